/**
 * The one bridge between the SPA and the API's own code. Request schemas are the API's zod
 * schemas (bundled: those files import only zod, core/pagination|permissions|names and the
 * generated enums); response types are the API's service return types, imported as types only.
 * JSON turns Dates into strings, which `Wire<T>` expresses. List query schemas give the
 * filter and sort names a list may use (`ListParams`).
 *
 * The one exception is servers (its types file needs node:net): see the note there.
 */
import { z } from 'zod';
import type { FieldIssue } from '@api/core/errors';
import type { Page } from '@api/core/pagination';
import { MAX_PAGE_SIZE } from '@api/core/pagination';
import { PERMISSIONS, ROLES, canAssignRole, type Action, type Role } from '@api/core/permissions';
import { isHostname } from '@api/core/names';
import type { Rrset, RrsetChange } from '@api/integrations/powerdns/powerdns.types';
import {
  BackupType,
  BillingCycle,
  JobStatus,
  JobType,
  ProductType,
  ServerRole,
} from '@api/generated/prisma/enums';
import type { LoginResponse, MeResponse, PublicUser } from '@api/modules/auth/auth.types';
import { loginInput } from '@api/modules/auth/auth.types';
import { listAuditInput } from '@api/modules/audit/audit.types';
import type { AuditService } from '@api/modules/audit/audit.service';
import { createTenantInput, listTenantsInput, updateTenantInput } from '@api/modules/tenants/tenants.types';
import type { TenantsService } from '@api/modules/tenants/tenants.service';
import { cancelOrderInput, listOrdersInput, manualOrderInput, type IntakeResult } from '@api/modules/orders/orders.types';
import type { OrdersService } from '@api/modules/orders/orders.service';
import { planLimitsSchema, slugSchema, type PublicPlan } from '@api/modules/catalog/catalog.types';
import type { createServerInput, HealthStatus, listServersInput } from '@api/modules/servers/servers.types';
import type { ServersService } from '@api/modules/servers/servers.service';
import { DOMAIN_STATUSES, type listDomainsInput } from '@api/modules/domains/domains.types';
import type { DomainsService } from '@api/modules/domains/domains.service';
import { createZoneInput, type listZonesInput, type updateRecordsInput } from '@api/modules/dns/dns.types';
import type { DnsService } from '@api/modules/dns/dns.service';
import { createHostingInput, HOSTING_STATUSES, terminateHostingInput, type listHostingInput } from '@api/modules/hosting/hosting.types';
import type { HostingService } from '@api/modules/hosting/hosting.service';
import { createVpsInput, type listVpsInput } from '@api/modules/vps/vps.types';
import type { VpsService } from '@api/modules/vps/vps.service';
import { createMailAccountInput, resetPasswordInput as mailResetPasswordInput, type listMailAccountsInput } from '@api/modules/mail/mail.types';
import type { MailService } from '@api/modules/mail/mail.service';
import { createBackupJobInput, updateBackupJobInput, type listBackupJobsInput } from '@api/modules/backups/backups.types';
import type { BackupsService } from '@api/modules/backups/backups.service';
import { listJobsInput } from '@api/modules/jobs/jobs.types';
import type { JobsService } from '@api/modules/jobs/jobs.service';
import type { DashboardService } from '@api/modules/dashboard/dashboard.service';
import { createPlanInput, listPlansInput, updatePlanInput } from '@api/modules/plans/plans.types';
import type { PlansService } from '@api/modules/plans/plans.service';
import { createProductInput, listProductsInput, updateProductInput } from '@api/modules/products/products.types';
import type { ProductsService } from '@api/modules/products/products.service';
import { createCustomerInput, listCustomersInput, updateCustomerInput } from '@api/modules/customers/customers.types';
import type { CustomersService } from '@api/modules/customers/customers.service';
import { cancelSubscriptionInput, listSubscriptionsInput, SUBSCRIPTION_STATUSES } from '@api/modules/subscriptions/subscriptions.types';
import type { SubscriptionsService } from '@api/modules/subscriptions/subscriptions.service';
import { createUserInput, listUsersInput, resetPasswordInput, setRoleInput, updateUserInput } from '@api/modules/users/users.types';
import type { UsersService } from '@api/modules/users/users.service';

export { PERMISSIONS, ROLES, canAssignRole, MAX_PAGE_SIZE, JobStatus, JobType, ProductType, BillingCycle, ServerRole, BackupType };
export type { Action, Role, Page, FieldIssue, LoginResponse, MeResponse, PublicUser, IntakeResult, PublicPlan };

/** What a value looks like after JSON.stringify on the API and JSON.parse here. */
export type Wire<T> = T extends string | number | boolean | null | undefined
  ? T
  : T extends Date
  ? string
  : T extends bigint
    ? string | number
    : T extends Array<infer U>
      ? Wire<U>[]
      : T extends object
        ? { [K in keyof T]: Wire<T[K]> }
        : T;

/** Filter and sort names a list query schema accepts: a list cannot send what the API ignores. */
export interface ListParams<Q extends z.ZodType> {
  filter: Exclude<keyof z.input<Q> & string, 'page' | 'pageSize' | 'sort' | 'order' | 'search'>;
  sort: Extract<z.input<Q> extends { sort?: infer S } ? S : never, string>;
}

type Returned<F> = F extends (...args: never[]) => Promise<infer R> ? Wire<R> : never;
type ItemOf<P> = P extends { items: Array<infer I> } ? I : never;

export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown; requestId?: string };
}

/** 202 answer of every action that touches a far side. */
export interface JobAccepted {
  job: { id: string; type: string; status: string };
}

// ---------------------------------------------------------------- auth
export const loginBody = loginInput.body;
export type LoginBody = z.input<typeof loginBody>;

// ---------------------------------------------------------------- tenants
export const tenantListQuery = listTenantsInput.query;
export type TenantRow = ItemOf<Returned<TenantsService['list']>>;
export const tenantCreateBody = createTenantInput.body;
export const tenantUpdateBody = updateTenantInput.body;

// ---------------------------------------------------------------- audit
export const auditListQuery = listAuditInput.query;
export type AuditRow = ItemOf<Returned<AuditService['list']>>;

// ---------------------------------------------------------------- orders
export const orderListQuery = listOrdersInput.query;
export type OrderRow = ItemOf<Returned<OrdersService['list']>>;
export type OrderDetail = Returned<OrdersService['get']>;
export const manualOrderBody = manualOrderInput.body;
export type ManualOrderBody = z.input<typeof manualOrderBody>;
export const cancelOrderBody = cancelOrderInput.body;
export type CancelOrderBody = z.input<typeof cancelOrderBody>;

// ---------------------------------------------------------------- users
export const userListQuery = listUsersInput.query;
export type UserRow = ItemOf<Returned<UsersService['list']>>;
export type UserDetail = Returned<UsersService['get']>;
export const userCreateBody = createUserInput.body;
export const userUpdateBody = updateUserInput.body;
export const userRoleBody = setRoleInput.body;
export const userPasswordBody = resetPasswordInput.body;
/** create and reset-password: `password` only when the API generated it (shown once). */
export type UserWithPassword = Returned<UsersService['resetPassword']>;

// ---------------------------------------------------------------- products
export const productListQuery = listProductsInput.query;
export type ProductRow = ItemOf<Returned<ProductsService['list']>>;
export type ProductDetail = Returned<ProductsService['get']>;
export const productCreateBody = createProductInput.body;
export const productUpdateBody = updateProductInput.body;

// ---------------------------------------------------------------- plans
export const planListQuery = listPlansInput.query;
export type PlanRow = ItemOf<Returned<PlansService['list']>>;
export const planCreateBody = createPlanInput.body;
export const planUpdateBody = updatePlanInput.body;

// ---------------------------------------------------------------- customers
export const customerListQuery = listCustomersInput.query;
export type CustomerRow = ItemOf<Returned<CustomersService['list']>>;
export type CustomerDetail = Returned<CustomersService['get']>;
export const customerCreateBody = createCustomerInput.body;
export const customerUpdateBody = updateCustomerInput.body;

// ---------------------------------------------------------------- subscriptions
export { SUBSCRIPTION_STATUSES };
export const subscriptionListQuery = listSubscriptionsInput.query;
export type SubscriptionRow = ItemOf<Returned<SubscriptionsService['list']>>;
export type SubscriptionDetail = Returned<SubscriptionsService['get']>;
export const cancelSubscriptionBody = cancelSubscriptionInput.body;

// ---------------------------------------------------------------- catalog (shared pieces)
export { planLimitsSchema, slugSchema };

// ---------------------------------------------------------------- servers
// servers.types.ts imports node:net, so its schemas cannot ship to the browser: the form's
// schema below is the SPA's own, and `satisfies` holds it to the API's input type.
export type ServerListQuery = typeof listServersInput.query;
export type ServerRow = ItemOf<Returned<ServersService['list']>>;
export type ServerDetail = Returned<ServersService['get']>;
type ServerCreate = z.input<typeof createServerInput.body>;
const ipText = z.string().trim().min(2, 'must be an IPv4 or IPv6 address').max(45);
export const serverBody = z.object({
  name: z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'must be 1–63 characters of letters, digits, . _ or -'),
  role: z.enum(Object.values(ServerRole) as [ServerRole, ...ServerRole[]]),
  ipAddress: ipText,
  internalIp: ipText.nullable().optional(),
  location: z.string().trim().min(1).max(100).nullable().optional(),
  isActive: z.boolean().optional(),
  sshPort: z.number().int().min(1).max(65535).optional(),
  sshUser: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'must be a Linux user name').nullable().optional(),
  config: z.record(z.string(), z.unknown(), { error: 'must be a JSON object' }).nullable().optional(),
}) satisfies z.ZodType<Omit<ServerCreate, 'hostKeyFingerprint'>>;
export const HEALTH_STATUSES = ['ok', 'degraded', 'down'] as const satisfies readonly HealthStatus[];

// ---------------------------------------------------------------- domains
export { DOMAIN_STATUSES };
export type DomainListQuery = typeof listDomainsInput.query;
export type DomainRow = ItemOf<Returned<DomainsService['list']>>;
export type DomainDetail = Returned<DomainsService['get']>;

// ---------------------------------------------------------------- dns
export type ZoneListQuery = typeof listZonesInput.query;
export type DnsZoneRow = ItemOf<Returned<DnsService['list']>>;
/** A zone with PowerDNS's live rrsets and the SOA serial an edit must quote back (null when PowerDNS has no answer). */
export type DnsZoneDetail = Returned<DnsService['get']>;
export type { Rrset, RrsetChange };
export type DnsPatchBody = Omit<z.input<typeof updateRecordsInput.body>, 'changes'> & {
  changes: Array<
    | { name: string; type: string; ttl: number; changetype: 'REPLACE'; records: Array<{ content: string; disabled?: boolean }> }
    | { name: string; type: string; changetype: 'DELETE' }
  >;
};
export const dnsZoneBody = createZoneInput.body;
export type ZoneCreated = Returned<DnsService['create']>;
export { isHostname };

// ---------------------------------------------------------------- hosting
export { HOSTING_STATUSES };
export type HostingListQuery = typeof listHostingInput.query;
export type HostingRow = ItemOf<Returned<HostingService['list']>>;
export type HostingDetail = Returned<HostingService['get']>;
export const hostingBody = createHostingInput.body;
export const terminateHostingBody = terminateHostingInput.body;

// ---------------------------------------------------------------- vps
export type VpsListQuery = typeof listVpsInput.query;
export type VpsRow = ItemOf<Returned<VpsService['list']>>;
export type VpsDetail = Returned<VpsService['get']>;
export const vpsBody = createVpsInput.body;
export type VpsCreated = Returned<VpsService['create']>;

// ---------------------------------------------------------------- mail
export type MailListQuery = typeof listMailAccountsInput.query;
export type MailRow = ItemOf<Returned<MailService['list']>>;
export type MailDetail = Returned<MailService['get']>;
export const mailAccountBody = createMailAccountInput.body;
export const mailPasswordBody = mailResetPasswordInput.body;
/** create and reset-password answer the new password once, next to the job. */
export type MailCreated = Returned<MailService['create']>;
export type MailPasswordReset = Returned<MailService['resetPassword']>;

// ---------------------------------------------------------------- backups
export type BackupListQuery = typeof listBackupJobsInput.query;
export type BackupJobRow = ItemOf<Returned<BackupsService['list']>>;
export type BackupJobDetail = Returned<BackupsService['get']>;
export type BackupReportRow = ItemOf<BackupJobDetail['reports']>;
export const backupCreateBody = createBackupJobInput.body;
export const backupUpdateBody = updateBackupJobInput.body;

// ---------------------------------------------------------------- jobs
export const jobListQuery = listJobsInput.query;
export type JobRow = ItemOf<Returned<JobsService['list']>>;
export type JobDetail = Returned<JobsService['get']>;
export type JobLogRow = JobDetail['logs'][number];

// ---------------------------------------------------------------- dashboard
export type DashboardView = Returned<DashboardService['get']>;
