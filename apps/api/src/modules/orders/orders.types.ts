import { z } from 'zod';
import { hostname, phpVersion } from '../../core/names';
import { listQuery } from '../../core/pagination';

const id = z.string().min(1).max(64);

/** Seed §6.3: what the marketing backend sends after Stripe took the money. */
export const orderIntakeBody = z
  .object({
    tenantSlug: z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be a tenant slug').optional(),
    customer: z
      .object({
        email: z.string().trim().toLowerCase().pipe(z.email().max(254)),
        fullName: z.string().trim().min(1).max(200).optional(),
        phone: z.string().trim().regex(/^\+?[0-9 ().-]{5,30}$/, 'must be a phone number').optional(),
      })
      .strict(),
    planSlug: z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be a plan slug'),
    totalAmountCents: z.number().int().min(0).max(100_000_000),
    currency: z
      .string()
      .regex(/^[A-Za-z]{3}$/, 'must be an ISO 4217 currency code such as usd')
      .transform((c) => c.toLowerCase()),
    stripePaymentIntentId: z.string().regex(/^pi_[A-Za-z0-9_]{1,200}$/, 'must be a Stripe PaymentIntent id (pi_…)').optional(),
    externalOrderId: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'must be 1–128 characters of A-Z, 0-9, _ . : -').optional(),
    /** Set when the marketing site sold below list price; the amount must then be price − discount. */
    discount: z
      .object({
        code: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a discount code'),
        amountCents: z.number().int().min(0).max(100_000_000),
      })
      .strict()
      .optional(),
    metadata: z
      .object({
        domain: hostname.optional(),
        notes: z.string().max(2000).optional(),
        phpVersion: phpVersion.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type OrderIntake = z.output<typeof orderIntakeBody>;

export const idempotencyKeyHeader = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{8,200}$/, 'must be 8–200 characters of A-Z, 0-9, _ . : -')
  .optional();

export const intakeInput = { body: orderIntakeBody };

export interface IntakeResult {
  orderId: string;
  subscriptionId: string;
  customerId: string;
  domainId: string | null;
  jobs: Array<{ id: string; type: string }>;
}

export const listOrdersInput = {
  query: listQuery(['createdAt', 'totalAmountCents', 'status'] as const, {
    status: z.enum(['PENDING', 'PAID', 'FAILED', 'CANCELLED', 'REFUNDED']).optional(),
    customerId: id.optional(),
    planId: id.optional(),
    search: z.string().trim().max(200).optional(),
    from: z.coerce.date().optional(),
    to: z.coerce.date().optional(),
  }),
};
export type ListOrdersQuery = z.output<typeof listOrdersInput.query>;

export const orderIdParams = { params: z.object({ id }) };

/** A manual order staff enter in the panel: the same intake, with the tenant taken from the caller. */
export const manualOrderInput = {
  body: orderIntakeBody.omit({ tenantSlug: true }),
};

export const cancelOrderInput = {
  params: z.object({ id }),
  body: z.object({ reason: z.string().trim().max(500).optional(), cancelSubscription: z.boolean().default(true) }).strict(),
};
