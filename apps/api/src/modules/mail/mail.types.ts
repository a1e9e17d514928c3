import { z } from 'zod';
import { listQuery } from '../../core/pagination';

const id = z.string().min(1).max(64);

/** mail-core's rule for the part before the @ (docs/mailcore-api.md). */
export const localPart = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?!\.)(?!.*\.\.)[a-z0-9._%+-]{1,64}(?<!\.)$/, 'must be 1–64 of a-z, 0-9 and . _ % + - (no leading, trailing or double dot)');

/** mail-core takes 8–128 characters; staff-chosen ones must be at least 12. */
export const mailPassword = z
  .string()
  .min(12, 'must be at least 12 characters')
  .max(128, 'must be at most 128 characters')
  .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'must not contain control characters');

const quotaMb = z.number().int().min(1).max(1_048_576);

export const createMailAccountInput = {
  body: z
    .object({
      domainId: id,
      localPart,
      quotaMb: quotaMb.optional(),
      /** When absent a strong one is generated; either way it is shown once, in the answer. */
      password: mailPassword.optional(),
    })
    .strict(),
};
export type CreateMailAccount = z.output<typeof createMailAccountInput.body>;

export const listMailAccountsInput = {
  query: listQuery(['createdAt', 'email', 'status'] as const, {
    domainId: id.optional(),
    /** A domain name, e.g. example.com. */
    domain: z.string().trim().toLowerCase().max(253).optional(),
    status: z.enum(['ACTIVE', 'DISABLED', 'PENDING']).optional(),
    search: z.string().trim().max(200).optional(),
  }),
};
export type ListMailAccountsQuery = z.output<typeof listMailAccountsInput.query>;

export const mailAccountIdParams = { params: z.object({ id }) };

export const mailAccountActionInput = { params: z.object({ id }), body: z.object({}).strict() };

export const resetPasswordInput = {
  params: z.object({ id }),
  body: z.object({ password: mailPassword.optional() }).strict(),
};
