import { z } from 'zod';
import { listQuery } from '../../core/pagination';
import { emailSchema, roleSchema } from '../auth/auth.types';

const id = z.string().min(1).max(64);
const displayName = z.string().trim().min(1).max(100);
const password = z.string().min(10, 'must be at least 10 characters').max(200);
const someField = (b: object) => Object.values(b).some((v) => v !== undefined);

export const listUsersInput = {
  query: listQuery(['createdAt', 'email', 'displayName', 'role', 'lastLoginAt'] as const, {
    search: z.string().trim().max(200).optional(),
    role: roleSchema.optional(),
    isActive: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  }),
};
export type ListUsersQuery = z.output<typeof listUsersInput.query>;

export const userIdParams = { params: z.object({ id }) };

/** Without `password` one is generated and returned once in the response. */
export const createUserInput = {
  body: z.object({ email: emailSchema, displayName, role: roleSchema, password: password.optional() }).strict(),
};
export type CreateUser = z.output<typeof createUserInput.body>;

/** Role, activation and password each have their own route: each has its own rules and audit action. */
export const updateUserInput = {
  params: z.object({ id }),
  body: z.object({ email: emailSchema.optional(), displayName: displayName.optional() }).strict().refine(someField, 'must change at least one field'),
};
export type UpdateUser = z.output<typeof updateUserInput.body>;

export const setRoleInput = {
  params: z.object({ id }),
  body: z.object({ role: roleSchema }).strict(),
};

export const resetPasswordInput = {
  params: z.object({ id }),
  body: z.object({ password: password.optional() }).strict(),
};

/** Everything a response may say about a staff user: never the hash, never tokens. */
export const USER_FIELDS = {
  id: true,
  tenantId: true,
  email: true,
  displayName: true,
  role: true,
  isActive: true,
  lastLoginAt: true,
  createdAt: true,
  updatedAt: true,
} as const;
