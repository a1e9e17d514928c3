import bcrypt from 'bcrypt';
import type { Db } from '../config/database';
import type { Prisma } from '../generated/prisma/client';
import type { BillingCycle, ProductType, ServerRole, UserRole } from '../generated/prisma/enums';

/**
 * The demo tenant: what `npm start` shows on a fresh machine and what tests build on.
 * Every write is an upsert that leaves existing rows alone, so running it again changes
 * nothing — including passwords and anything staff edited since.
 *
 * Servers point at 127.0.0.1: in production they are the 10.1.10.x hosts of the spec,
 * entered by staff (or a production seed), never by this demo.
 */
export const DEMO_TENANT = { slug: 'migrahosting', name: 'MigraHosting' };

export const DEMO_USERS: Array<{ email: string; displayName: string; role: UserRole }> = [
  { email: 'admin@migrahosting.com', displayName: 'Admin', role: 'SUPER_ADMIN' },
  { email: 'ops@migrahosting.com', displayName: 'Operations', role: 'ADMIN' },
  { email: 'support@migrahosting.com', displayName: 'Support Desk', role: 'SUPPORT' },
  { email: 'billing@migrahosting.com', displayName: 'Billing', role: 'BILLING' },
  { email: 'viewer@migrahosting.com', displayName: 'Viewer', role: 'READ_ONLY' },
];

interface PlanSeed {
  slug: string;
  name: string;
  cycle: BillingCycle;
  monthly: number;
  yearly: number;
  popular?: boolean;
  limits: Record<string, number>;
}

interface ProductSeed {
  slug: string;
  name: string;
  type: ProductType;
  description: string;
  plans: PlanSeed[];
}

/** Both cycles of a tier: the yearly plan bills `yearly` once; its monthly price is the equivalent. */
function tier(key: string, name: string, monthly: number, yearly: number, limits: Record<string, number>, popular = false): PlanSeed[] {
  return [
    { slug: `${key}-monthly`, name, cycle: 'MONTHLY', monthly, yearly, limits, popular },
    { slug: `${key}-yearly`, name: `${name} (yearly)`, cycle: 'YEARLY', monthly: Math.round(yearly / 12), yearly, limits, popular },
  ];
}

export const DEMO_CATALOG: ProductSeed[] = [
  {
    slug: 'shared-hosting',
    name: 'Shared Hosting',
    type: 'SHARED_HOSTING',
    description: 'Managed web hosting with PHP, free SSL and daily backups.',
    plans: [
      ...tier('starter', 'Starter', 149, 1490, { diskGb: 10, bandwidthGb: 100, sites: 1, emails: 0, databases: 1 }),
      ...tier('pro', 'Pro', 499, 4990, { diskGb: 50, bandwidthGb: 500, sites: 10, emails: 10, databases: 10 }, true),
      ...tier('business', 'Business', 999, 9990, { diskGb: 200, bandwidthGb: 2000, sites: 50, emails: 50, databases: 50 }),
    ],
  },
  {
    slug: 'vps',
    name: 'VPS',
    type: 'VPS',
    description: 'Virtual private servers with root access.',
    plans: [
      ...tier('vps-1', 'VPS 1', 599, 5990, { cpuCores: 1, memoryMb: 1024, diskGb: 25, bandwidthGb: 1000 }),
      ...tier('vps-2', 'VPS 2', 1199, 11990, { cpuCores: 2, memoryMb: 4096, diskGb: 80, bandwidthGb: 3000 }, true),
      ...tier('vps-4', 'VPS 4', 2399, 23990, { cpuCores: 4, memoryMb: 8192, diskGb: 160, bandwidthGb: 5000 }),
    ],
  },
  {
    slug: 'email',
    name: 'Email',
    type: 'EMAIL',
    description: 'Business email on your own domain.',
    plans: [
      ...tier('email-basic', 'Email Basic', 199, 1990, { emails: 5, diskGb: 5 }),
      ...tier('email-business', 'Email Business', 499, 4990, { emails: 25, diskGb: 25 }, true),
    ],
  },
  {
    slug: 'dns',
    name: 'DNS',
    type: 'DNS',
    description: 'Managed authoritative DNS.',
    plans: [...tier('dns', 'Managed DNS', 99, 990, { dnsZones: 5 })],
  },
];

/**
 * The spec's servers, all on loopback: npm start runs a local peer for each far side (srv1-web is
 * an sshd on port 2222 sandboxed under .data/host-root; pve1 answers Proxmox VE's API on 8006).
 */
export const DEMO_SERVERS: Array<{ name: string; role: ServerRole; location: string; sshUser?: string; sshPort?: number; config?: Record<string, unknown> }> = [
  { name: 'srv1-web', role: 'WEB', location: 'local', sshUser: 'root', sshPort: 2222 },
  { name: 'dns-core', role: 'DNS', location: 'local' },
  { name: 'mail-core', role: 'MAIL', location: 'local' },
  { name: 'mpanel-core', role: 'PANEL', location: 'local' },
  { name: 'db-core', role: 'DB', location: 'local' },
  {
    name: 'pve1',
    role: 'HYPERVISOR',
    location: 'local',
    config: {
      driver: 'proxmox',
      apiUrl: 'http://127.0.0.1:8006/api2/json',
      node: 'pve1',
      tokenId: 'mpanel@pve!provisioning',
      tokenSecretEnv: 'PROXMOX_TOKEN_SECRET',
      templates: { 'debian-12': 9000 },
    },
  },
];

export interface SeedOptions {
  adminPassword: string;
  bcryptRounds?: number;
  tenant?: { slug: string; name: string };
}

export async function seedDemo(db: Db, opts: SeedOptions) {
  if (opts.adminPassword.length < 10) throw new Error('SEED_ADMIN_PASSWORD must be at least 10 characters');
  const t = opts.tenant ?? DEMO_TENANT;
  const tenant = await db.tenant.upsert({ where: { slug: t.slug }, update: {}, create: { slug: t.slug, name: t.name } });

  let passwordHash: string | undefined;
  for (const u of DEMO_USERS) {
    const email = t.slug === DEMO_TENANT.slug ? u.email : u.email.replace('@migrahosting.com', `@${t.slug}.test`);
    if (await db.user.findUnique({ where: { email }, select: { id: true } })) continue;
    passwordHash ??= await bcrypt.hash(opts.adminPassword, opts.bcryptRounds ?? 12);
    await db.user.create({ data: { tenantId: tenant.id, email, displayName: u.displayName, role: u.role, passwordHash } }).catch(ignoreDuplicate);
  }

  for (const [i, p] of DEMO_CATALOG.entries()) {
    const product = await db.product.upsert({
      where: { tenantId_slug: { tenantId: tenant.id, slug: p.slug } },
      update: {},
      create: { tenantId: tenant.id, slug: p.slug, name: p.name, type: p.type, description: p.description, createdAt: new Date(Date.UTC(2026, 0, 1, 0, i)) },
    });
    for (const [order, plan] of p.plans.entries()) {
      await db.plan.upsert({
        where: { tenantId_slug: { tenantId: tenant.id, slug: plan.slug } },
        update: {},
        create: {
          tenantId: tenant.id,
          productId: product.id,
          slug: plan.slug,
          name: plan.name,
          billingCycle: plan.cycle,
          priceMonthlyCents: plan.monthly,
          priceYearlyCents: plan.yearly,
          currency: 'usd',
          isPopular: plan.popular ?? false,
          sortOrder: order,
          limitsJson: plan.limits as Prisma.InputJsonValue,
        },
      });
    }
  }

  for (const s of DEMO_SERVERS) {
    await db.server.upsert({
      where: { tenantId_name: { tenantId: tenant.id, name: s.name } },
      update: {},
      create: {
        tenantId: tenant.id,
        name: s.name,
        role: s.role,
        ipAddress: '127.0.0.1',
        location: s.location,
        sshUser: s.sshUser,
        sshPort: s.sshPort,
        config: s.config as Prisma.InputJsonValue | undefined,
      },
    });
  }
  return tenant;
}

/** Two seeds racing (npm start twice) may both try to create the same row; one wins, fine. */
function ignoreDuplicate(err: { code?: string }) {
  if (err?.code !== 'P2002') throw err;
}
