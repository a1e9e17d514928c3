import type { Db } from '../../config/database';
import type { Ctx } from '../../core/types';
import type { JobStatus } from '../../generated/prisma/client';

/** How many days of orders the dashboard charts, today included. */
export const DASHBOARD_DAYS = 30;
const JOB_STATUSES: JobStatus[] = ['PENDING', 'RUNNING', 'SUCCESS', 'FAILED'];

interface DayRow {
  day: string;
  currency: string;
  orders: number;
  revenueCents: bigint;
}

/** UTC midnight `days - 1` days before today: the first day of the chart. */
function firstDay(now: Date, days: number): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (days - 1)));
}

/**
 * The admin home page: what is sold, what is running, what failed, and how the servers are, for
 * the caller's tenant. All of it in one round of parallel queries.
 */
export function createDashboardService(deps: { db: Db }) {
  const { db } = deps;

  return {
    async get(ctx: Ctx, now = new Date()) {
      const tenantId = ctx.actor.tenantId;
      const since = firstDay(now, DASHBOARD_DAYS);
      const [activeSubscriptions, perDay, jobCounts, failedJobs, servers] = await Promise.all([
        db.subscription.count({ where: { tenantId, status: 'ACTIVE' } }),
        // Timestamps are stored as UTC without a zone, so the day is the UTC day.
        db.$queryRaw<DayRow[]>`
          SELECT to_char(date_trunc('day', "createdAt"), 'YYYY-MM-DD') AS "day",
                 "currency",
                 count(*)::int AS "orders",
                 coalesce(sum("totalAmountCents") FILTER (WHERE "status" = 'PAID'), 0)::bigint AS "revenueCents"
            FROM "Order"
           WHERE "tenantId" = ${tenantId} AND "createdAt" >= ${since}
           GROUP BY 1, 2
           ORDER BY 1, 2`,
        db.job.groupBy({ by: ['status'], where: { tenantId }, _count: { _all: true } }),
        db.job.findMany({
          where: { tenantId, status: 'FAILED' },
          orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
          take: 10,
          select: { id: true, type: true, orderId: true, attempts: true, lastError: true, createdAt: true, finishedAt: true },
        }),
        db.server.findMany({
          where: { tenantId },
          orderBy: [{ name: 'asc' }, { id: 'asc' }],
          select: {
            id: true,
            name: true,
            role: true,
            ipAddress: true,
            isActive: true,
            healthStatus: true,
            healthCheckedAt: true,
            _count: {
              select: {
                hostingAccounts: { where: { status: { not: 'TERMINATED' } } },
                vpsInstances: { where: { status: { not: 'TERMINATED' } } },
                backupJobs: true,
              },
            },
          },
        }),
      ]);

      const days = Array.from({ length: DASHBOARD_DAYS }, (_, i) => new Date(since.getTime() + i * 86400_000).toISOString().slice(0, 10));
      const byDay = new Map(days.map((day) => [day, { date: day, orders: 0, revenueCents: {} as Record<string, number> }]));
      const totals = { orders: 0, revenueCents: {} as Record<string, number> };
      for (const row of perDay) {
        const bucket = byDay.get(row.day);
        if (!bucket) continue; // a clock skew between us and the database: not worth a crash
        const cents = Number(row.revenueCents);
        bucket.orders += row.orders;
        bucket.revenueCents[row.currency] = (bucket.revenueCents[row.currency] ?? 0) + cents;
        totals.orders += row.orders;
        totals.revenueCents[row.currency] = (totals.revenueCents[row.currency] ?? 0) + cents;
      }

      const jobs = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
      for (const row of jobCounts) jobs[row.status] = row._count._all;

      return {
        generatedAt: now.toISOString(),
        subscriptions: { active: activeSubscriptions },
        orders: { days: DASHBOARD_DAYS, since: since.toISOString(), totals, perDay: [...byDay.values()] },
        jobs: { byStatus: jobs, latestFailed: failedJobs },
        servers: servers.map(({ _count, ...s }) => ({ ...s, accounts: { hosting: _count.hostingAccounts, vps: _count.vpsInstances }, backupJobs: _count.backupJobs })),
      };
    },
  };
}

export type DashboardService = ReturnType<typeof createDashboardService>;
