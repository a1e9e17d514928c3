import 'dotenv/config';
import crypto from 'node:crypto';
import { parseArgs } from 'node:util';
import bcrypt from 'bcrypt';
import { z } from 'zod';
import { createDb } from '../config/database';
import { loadEnv } from '../config/env';
import { ROLES } from '../core/permissions';
import { emailSchema } from '../modules/auth/auth.types';
import { runCli } from './run';

const USAGE = 'usage: npm run user:create -- --email <email> --role <SUPER_ADMIN|ADMIN|SUPPORT|BILLING|READ_ONLY> [--name <display name>] [--tenant <slug>] [--password <password>]';

const argsSchema = z.object({
  email: emailSchema,
  role: z.enum(ROLES).default('ADMIN'),
  name: z.string().trim().min(1).max(100).optional(),
  tenant: z.string().regex(/^[a-z0-9-]+$/).optional(),
  password: z.string().min(10, 'must be at least 10 characters').max(200).optional(),
});

/**
 * Creates a staff user, or resets an existing one (new password, role, re-activated).
 * Without --password a random one is generated and printed once.
 */
runCli(async () => {
  const { values } = parseArgs({
    options: { email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, tenant: { type: 'string' }, password: { type: 'string' } },
  });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) throw new Error(`${parsed.error.issues.map((i) => `--${String(i.path[0])} ${i.message}`).join('; ')}\n${USAGE}`);
  const args = parsed.data;
  const env = loadEnv();
  const db = createDb(env.DATABASE_URL, 2);
  try {
    const tenant = await db.tenant.findUnique({ where: { slug: args.tenant ?? env.DEFAULT_TENANT_SLUG } });
    if (!tenant) throw new Error(`No tenant ${args.tenant ?? env.DEFAULT_TENANT_SLUG}; run npm run db:seed first or pass --tenant`);
    const password = args.password ?? crypto.randomBytes(12).toString('base64url');
    const passwordHash = await bcrypt.hash(password, env.BCRYPT_ROUNDS);
    const existing = await db.user.findUnique({ where: { email: args.email } });
    const user = existing
      ? await db.user.update({ where: { id: existing.id }, data: { passwordHash, role: args.role, isActive: true, ...(args.name && { displayName: args.name }) } })
      : await db.user.create({ data: { tenantId: tenant.id, email: args.email, role: args.role, displayName: args.name ?? args.email.split('@')[0], passwordHash } });
    await db.refreshToken.updateMany({ where: { userId: user.id, revokedAt: null }, data: { revokedAt: new Date() } });
    await db.auditLog.create({
      data: { tenantId: user.tenantId, action: existing ? 'user.reset_cli' : 'user.created_cli', targetType: 'User', targetId: user.id, details: { email: user.email, role: user.role } },
    });
    console.log(`${existing ? 'reset' : 'created'} ${user.email} (${user.role}) in tenant ${tenant.slug}`);
    if (!args.password) console.log(`password: ${password}`);
  } finally {
    await db.$disconnect();
  }
});
