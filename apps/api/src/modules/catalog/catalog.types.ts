import { z } from 'zod';

export const PRODUCT_TYPES = ['SHARED_HOSTING', 'VPS', 'EMAIL', 'DNS', 'STORAGE'] as const;
export const productTypeSchema = z.enum(PRODUCT_TYPES);
export const slugSchema = z.string().trim().toLowerCase().regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, 'must be lowercase letters, digits and dashes');

/** Plan limits as the website shows them; unknown keys are dropped. */
export const planLimitsSchema = z
  .object({
    diskGb: z.number().nonnegative().optional(),
    bandwidthGb: z.number().nonnegative().optional(),
    sites: z.number().int().nonnegative().optional(),
    emails: z.number().int().nonnegative().optional(),
    databases: z.number().int().nonnegative().optional(),
    cpuCores: z.number().int().nonnegative().optional(),
    memoryMb: z.number().int().nonnegative().optional(),
    dnsZones: z.number().int().nonnegative().optional(),
  })
  .strip();
export type PlanLimits = z.infer<typeof planLimitsSchema>;

const tenantQuery = { tenant: slugSchema.optional() };

export const publicProductsInput = {
  query: z.object({ ...tenantQuery, type: productTypeSchema.optional() }),
};

export const publicPlansInput = {
  query: z.object({ ...tenantQuery, type: productTypeSchema.optional(), product: slugSchema.optional() }),
};

export const publicPlanSchema = z.object({
  slug: z.string(),
  name: z.string(),
  product: z.object({ slug: z.string(), name: z.string(), type: productTypeSchema }),
  billingCycle: z.enum(['MONTHLY', 'YEARLY']),
  priceCents: z.number().int(),
  priceMonthlyCents: z.number().int(),
  priceYearlyCents: z.number().int(),
  currency: z.string(),
  isPopular: z.boolean(),
  limits: planLimitsSchema,
});
export type PublicPlan = z.infer<typeof publicPlanSchema>;

export const publicProductSchema = z.object({
  slug: z.string(),
  name: z.string(),
  type: productTypeSchema,
  description: z.string().nullable(),
  plans: z.array(publicPlanSchema.omit({ product: true })),
});
export type PublicProduct = z.infer<typeof publicProductSchema>;
