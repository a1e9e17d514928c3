import type { Db } from '../../src/config/database';
import { makePlan, makeProduct, makeTenant, uid } from './factories';

/** A tenant selling hosting (with and without mail), email, DNS and VPS plans, like the demo seed. */
export async function makeShop(db: Db, opts: { web?: { ipAddress?: string; sshPort?: number; sshUser?: string; hostKeyFingerprint?: string | null } | false } = {}) {
  const tenant = await makeTenant(db);
  const hosting = await makeProduct(db, tenant.id, { slug: 'shared-hosting', type: 'SHARED_HOSTING' });
  const email = await makeProduct(db, tenant.id, { slug: 'email', type: 'EMAIL' });
  const vps = await makeProduct(db, tenant.id, { slug: 'vps', type: 'VPS' });
  const dns = await makeProduct(db, tenant.id, { slug: 'dns', type: 'DNS' });
  const plans = {
    starter: await makePlan(db, tenant.id, hosting.id, { slug: 'starter-monthly', priceMonthlyCents: 149, limits: { diskGb: 10, emails: 0 } }),
    starterYearly: await makePlan(db, tenant.id, hosting.id, { slug: 'starter-yearly', priceYearlyCents: 1490, billingCycle: 'YEARLY', limits: { diskGb: 10, emails: 0 } }),
    pro: await makePlan(db, tenant.id, hosting.id, { slug: 'pro-monthly', priceMonthlyCents: 499, limits: { diskGb: 50, emails: 10 } }),
    email: await makePlan(db, tenant.id, email.id, { slug: 'email-basic-monthly', priceMonthlyCents: 199, limits: { emails: 5 } }),
    dns: await makePlan(db, tenant.id, dns.id, { slug: 'dns-monthly', priceMonthlyCents: 0, limits: {} }),
    vps: await makePlan(db, tenant.id, vps.id, { slug: 'vps-1-monthly', priceMonthlyCents: 599, limits: { cpuCores: 1, memoryMb: 1024, diskGb: 25 } }),
  };
  const web =
    opts.web === false
      ? null
      : await db.server.create({
          data: {
            tenantId: tenant.id,
            name: 'srv1-web',
            role: 'WEB',
            ipAddress: opts.web?.ipAddress ?? '127.0.0.1',
            sshPort: opts.web?.sshPort ?? 22,
            sshUser: opts.web?.sshUser ?? 'root',
            hostKeyFingerprint: opts.web?.hostKeyFingerprint ?? null,
          },
        });
  const mail = await db.server.create({ data: { tenantId: tenant.id, name: 'mail-core', role: 'MAIL', ipAddress: '127.0.0.2' } });
  return { tenant, products: { hosting, email, vps, dns }, plans, servers: { web, mail } };
}

/** A unique, valid domain for one test. */
export const testDomain = () => `shop-${uid(4)}.example.com`;

/** A seed §6.3 order body for `planSlug`. */
export function orderBody(tenantSlug: string, overrides: Record<string, unknown> = {}) {
  return {
    tenantSlug,
    customer: { email: `client-${uid(4)}@example.com`, fullName: 'Client Name' },
    planSlug: 'starter-monthly',
    totalAmountCents: 149,
    currency: 'usd',
    stripePaymentIntentId: `pi_${uid(8)}`,
    metadata: { domain: testDomain(), notes: 'Marketing site order' },
    ...overrides,
  };
}
