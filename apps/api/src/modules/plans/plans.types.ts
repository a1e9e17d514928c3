import { z } from 'zod';
import { listQuery } from '../../core/pagination';
import { planLimitsSchema, slugSchema } from '../catalog/catalog.types';

const id = z.string().min(1).max(64);
const someField = (b: object) => Object.values(b).some((v) => v !== undefined);
const cents = z.number().int().min(0).max(100_000_000);

export const listPlansInput = {
  query: listQuery(['sortOrder', 'createdAt', 'name', 'slug', 'priceMonthlyCents', 'priceYearlyCents'] as const, {
    productId: id.optional(),
    billingCycle: z.enum(['MONTHLY', 'YEARLY']).optional(),
    isActive: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    search: z.string().trim().max(200).optional(),
  }),
};
export type ListPlansQuery = z.output<typeof listPlansInput.query>;

export const planIdParams = { params: z.object({ id }) };

const fields = {
  productId: id,
  name: z.string().trim().min(1).max(100),
  slug: slugSchema,
  billingCycle: z.enum(['MONTHLY', 'YEARLY']),
  /** The order for a MONTHLY plan pays priceMonthlyCents, a YEARLY one priceYearlyCents (the other is shown for comparison). */
  priceMonthlyCents: cents,
  priceYearlyCents: cents,
  currency: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{3}$/, 'must be an ISO 4217 currency code such as usd')
    // Stored lowercase, as Stripe and the order intake write it.
    .transform((c) => c.toLowerCase()),
  isPopular: z.boolean(),
  // Strict here (the public catalog strips instead), so a misspelt limit is refused, not lost.
  limitsJson: planLimitsSchema.strict(),
  isActive: z.boolean(),
  sortOrder: z.number().int().min(-10_000).max(10_000),
};

export const createPlanInput = {
  body: z
    .object({
      ...fields,
      currency: fields.currency.default('usd'),
      isPopular: fields.isPopular.default(false),
      limitsJson: fields.limitsJson.default({}),
      isActive: fields.isActive.default(true),
      sortOrder: fields.sortOrder.default(0),
    })
    .strict(),
};
export type CreatePlan = z.output<typeof createPlanInput.body>;

export const updatePlanInput = {
  params: z.object({ id }),
  body: z.object(fields).partial().strict().refine(someField, 'must change at least one field'),
};
export type UpdatePlan = z.output<typeof updatePlanInput.body>;
