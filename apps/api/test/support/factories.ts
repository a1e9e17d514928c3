import crypto from 'node:crypto';
import bcrypt from 'bcrypt';
import request from 'supertest';
import type { Db } from '../../src/config/database';
import type { Prisma } from '../../src/generated/prisma/client';
import type { BillingCycle, ProductType, UserRole } from '../../src/generated/prisma/enums';

export const uid = (n = 6) => crypto.randomBytes(n).toString('hex').slice(0, n * 2);

export async function makeTenant(db: Db, data: Partial<{ slug: string; name: string; isActive: boolean }> = {}) {
  const slug = data.slug ?? `t-${uid()}`;
  return db.tenant.create({ data: { slug, name: data.name ?? `Tenant ${slug}`, isActive: data.isActive ?? true } });
}

export const PASSWORD = 'Correct-Horse-Battery-9';
let passwordHash: string | undefined;

export async function makeUser(db: Db, tenantId: string, role: UserRole = 'SUPER_ADMIN', data: Partial<{ email: string; isActive: boolean; password: string }> = {}) {
  const hash = data.password ? await bcrypt.hash(data.password, 4) : (passwordHash ??= await bcrypt.hash(PASSWORD, 4));
  return db.user.create({
    data: {
      tenantId,
      role,
      email: data.email ?? `${role.toLowerCase()}-${uid()}@example.test`,
      displayName: `${role} user`,
      passwordHash: hash,
      isActive: data.isActive ?? true,
    },
  });
}

export async function makeProduct(db: Db, tenantId: string, data: Partial<{ slug: string; type: ProductType; isActive: boolean; name: string }> = {}) {
  const slug = data.slug ?? `p-${uid()}`;
  return db.product.create({
    data: { tenantId, slug, name: data.name ?? `Product ${slug}`, type: data.type ?? 'SHARED_HOSTING', isActive: data.isActive ?? true },
  });
}

export async function makePlan(
  db: Db,
  tenantId: string,
  productId: string,
  data: Partial<{ slug: string; priceMonthlyCents: number; priceYearlyCents: number; billingCycle: BillingCycle; isActive: boolean; limits: Record<string, number> }> = {},
) {
  const slug = data.slug ?? `plan-${uid()}`;
  return db.plan.create({
    data: {
      tenantId,
      productId,
      slug,
      name: `Plan ${slug}`,
      priceMonthlyCents: data.priceMonthlyCents ?? 499,
      priceYearlyCents: data.priceYearlyCents ?? 4990,
      billingCycle: data.billingCycle ?? 'MONTHLY',
      isActive: data.isActive ?? true,
      limitsJson: (data.limits ?? { diskGb: 10, emails: 0 }) as Prisma.InputJsonValue,
    },
  });
}

/** A tenant with one user per role, each already signed in. */
export async function makeStaff(db: Db, app: Parameters<typeof request>[0]) {
  const tenant = await makeTenant(db);
  const roles: UserRole[] = ['SUPER_ADMIN', 'ADMIN', 'SUPPORT', 'BILLING', 'READ_ONLY'];
  const tokens = {} as Record<UserRole, string>;
  const users = {} as Record<UserRole, Awaited<ReturnType<typeof makeUser>>>;
  for (const role of roles) {
    users[role] = await makeUser(db, tenant.id, role);
    tokens[role] = await login(app, users[role].email);
  }
  return { tenant, users, tokens };
}

export async function login(app: Parameters<typeof request>[0], email: string, password = PASSWORD): Promise<string> {
  const res = await request(app).post('/api/auth/login').send({ email, password });
  if (res.status !== 200) throw new Error(`login failed for ${email}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token as string;
}
