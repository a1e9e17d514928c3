import { z } from 'zod';
import { ROLES } from '../../core/permissions';

export const emailSchema = z.string().trim().toLowerCase().pipe(z.email().max(254));
export const roleSchema = z.enum(ROLES);

export const loginInput = {
  body: z.object({
    email: emailSchema,
    password: z.string().min(1).max(200),
  }),
};

export const refreshInput = {
  body: z.object({ refreshToken: z.string().min(20).max(4096) }),
};

export const logoutInput = {
  body: z.object({ refreshToken: z.string().min(20).max(4096) }),
};

/** What any response may say about a user: never the hash, never tokens. */
export const publicUserSchema = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  role: roleSchema,
  tenantId: z.string(),
});
export type PublicUser = z.infer<typeof publicUserSchema>;

export const loginResponseSchema = z.object({
  token: z.string(),
  refreshToken: z.string(),
  expiresIn: z.number(),
  user: publicUserSchema,
});
export type LoginResponse = z.infer<typeof loginResponseSchema>;

export const meResponseSchema = z.object({
  user: publicUserSchema.extend({ lastLoginAt: z.string().nullable() }),
  tenant: z.object({ id: z.string(), name: z.string(), slug: z.string() }),
  permissions: z.array(z.string()),
});
export type MeResponse = z.infer<typeof meResponseSchema>;
