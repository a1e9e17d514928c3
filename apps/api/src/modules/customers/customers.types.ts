import { z } from 'zod';
import { listQuery } from '../../core/pagination';
import { emailSchema } from '../auth/auth.types';

const id = z.string().min(1).max(64);
const someField = (b: object) => Object.values(b).some((v) => v !== undefined);

export const listCustomersInput = {
  query: listQuery(['createdAt', 'email', 'fullName'] as const, {
    search: z.string().trim().max(200).optional(),
    isActive: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  }),
};
export type ListCustomersQuery = z.output<typeof listCustomersInput.query>;

export const customerIdParams = { params: z.object({ id }) };

const fields = {
  email: emailSchema,
  fullName: z.string().trim().min(1).max(200).nullable(),
  phone: z.string().trim().regex(/^\+?[0-9 ().-]{5,30}$/, 'must be a phone number').nullable(),
  stripeCustomerId: z.string().regex(/^cus_[A-Za-z0-9]{1,200}$/, 'must be a Stripe customer id (cus_…)').nullable(),
  isActive: z.boolean(),
};

export const createCustomerInput = {
  body: z
    .object({
      email: fields.email,
      fullName: fields.fullName.optional(),
      phone: fields.phone.optional(),
      stripeCustomerId: fields.stripeCustomerId.optional(),
      isActive: fields.isActive.default(true),
    })
    .strict(),
};
export type CreateCustomer = z.output<typeof createCustomerInput.body>;

export const updateCustomerInput = {
  params: z.object({ id }),
  body: z.object(fields).partial().strict().refine(someField, 'must change at least one field'),
};
export type UpdateCustomer = z.output<typeof updateCustomerInput.body>;
