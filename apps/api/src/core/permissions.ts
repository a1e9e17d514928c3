/**
 * The role matrix (product spec §11), in one table that routes use by action name, the
 * route-table test walks, and `GET /api/auth/me` hands to the admin SPA.
 *
 * - SUPER_ADMIN: everything, including tenants (the one system-level area).
 * - ADMIN: everything inside its tenant.
 * - SUPPORT: reads everything operational; day-to-day fixes (suspend, DNS records,
 *   mailboxes, retries, health checks); never deletes, terminates or destroys.
 * - BILLING: customers, orders, subscriptions (and reads the catalog it sells).
 * - READ_ONLY: reads, nothing else.
 */
export const ROLES = ['SUPER_ADMIN', 'ADMIN', 'SUPPORT', 'BILLING', 'READ_ONLY'] as const;
export type Role = (typeof ROLES)[number];

const ALL: readonly Role[] = ROLES;
const ADMINS: readonly Role[] = ['SUPER_ADMIN', 'ADMIN'];
const OPS: readonly Role[] = ['SUPER_ADMIN', 'ADMIN', 'SUPPORT'];
const OPS_READ: readonly Role[] = ['SUPER_ADMIN', 'ADMIN', 'SUPPORT', 'READ_ONLY'];
const MONEY: readonly Role[] = ['SUPER_ADMIN', 'ADMIN', 'BILLING'];
const MONEY_READ: readonly Role[] = ['SUPER_ADMIN', 'ADMIN', 'SUPPORT', 'BILLING', 'READ_ONLY'];

export const PERMISSIONS = {
  'dashboard.read': ALL,

  'tenants.read': ['SUPER_ADMIN'],
  'tenants.write': ['SUPER_ADMIN'],

  'users.read': OPS_READ,
  'users.write': ADMINS,

  'products.read': ALL,
  'products.write': ADMINS,
  'plans.read': ALL,
  'plans.write': ADMINS,

  'customers.read': MONEY_READ,
  'customers.write': MONEY,
  'orders.read': MONEY_READ,
  'orders.write': MONEY,
  'subscriptions.read': MONEY_READ,
  'subscriptions.write': MONEY,

  'servers.read': OPS_READ,
  'servers.write': ADMINS,
  'servers.delete': ADMINS,
  'servers.check': OPS,

  'domains.read': OPS_READ,

  'dns.read': OPS_READ,
  'dns.write': OPS,
  'dns.delete': ADMINS,

  'hosting.read': OPS_READ,
  'hosting.create': ADMINS,
  'hosting.suspend': OPS,
  'hosting.terminate': ADMINS,

  'vps.read': OPS_READ,
  'vps.create': ADMINS,
  'vps.control': OPS,
  'vps.destroy': ADMINS,

  'mail.read': OPS_READ,
  'mail.write': OPS,
  'mail.delete': ADMINS,

  'backups.read': OPS_READ,
  'backups.write': ADMINS,
  'backups.run': OPS,

  'jobs.read': OPS_READ,
  'jobs.retry': OPS,

  'audit.read': ALL,
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof PERMISSIONS;

export const ACTIONS = Object.keys(PERMISSIONS) as Action[];

export function can(role: Role, action: Action): boolean {
  return (PERMISSIONS[action] as readonly Role[]).includes(role);
}

/** The actions a role may take: what the SPA uses to hide what it may not do. */
export function permissionsFor(role: Role): Action[] {
  return ACTIONS.filter((a) => can(role, a));
}

const RANK: Record<Role, number> = { SUPER_ADMIN: 4, ADMIN: 3, SUPPORT: 2, BILLING: 2, READ_ONLY: 1 };

/** Whether `actor` may give a user `target` role (nobody raises anyone above themselves). */
export function canAssignRole(actor: Role, target: Role): boolean {
  return RANK[target] <= RANK[actor];
}
