import type { Db } from '../../config/database';
import { NotFound } from '../../core/errors';
import { pageArgs, toPage } from '../../core/pagination';
import type { Ctx } from '../../core/types';
import type { Prisma } from '../../generated/prisma/client';
import type { ListDomainsQuery } from './domains.types';

/** How much history the detail view carries; older rows are one filtered list away. */
const RECENT = 50;

const CUSTOMER = { select: { id: true, email: true, fullName: true } } as const;
const SERVER = { select: { id: true, name: true, role: true, ipAddress: true, isActive: true } } as const;
const PLAN = { select: { id: true, name: true, slug: true, billingCycle: true } } as const;

const SUMMARY = {
  customer: CUSTOMER,
  hosting: { select: { id: true, status: true, systemUser: true, server: { select: { id: true, name: true } } } },
  vps: { select: { id: true, name: true, status: true } },
  _count: { select: { dnsZones: true, mailAccounts: true, subscriptions: true } },
} satisfies Prisma.DomainInclude;

const DETAIL = {
  customer: CUSTOMER,
  dnsZones: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
  hosting: { include: { server: SERVER } },
  mailAccounts: { orderBy: [{ email: 'asc' }], take: RECENT },
  vps: { include: { server: SERVER } },
  orders: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: RECENT, include: { plan: PLAN } },
  subscriptions: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: RECENT, include: { plan: PLAN } },
  _count: { select: { mailAccounts: true, orders: true, subscriptions: true } },
} satisfies Prisma.DomainInclude;

/** The tenant's domains and everything that hangs off one: zones, hosting, mailboxes, VPS, sales. */
export function createDomainsService(deps: { db: Db }) {
  const { db } = deps;

  return {
    async list(ctx: Ctx, q: ListDomainsQuery) {
      const where: Prisma.DomainWhereInput = {
        tenantId: ctx.actor.tenantId,
        ...(q.status && { status: q.status }),
        ...(q.customerId && { customerId: q.customerId }),
        ...(q.search && {
          OR: [
            { name: { contains: q.search.toLowerCase() } },
            { customer: { email: { contains: q.search, mode: 'insensitive' } } },
          ],
        }),
      };
      const [total, items] = await Promise.all([
        db.domain.count({ where }),
        db.domain.findMany({ where, orderBy: [{ [q.sort]: q.order }, { id: q.order }], ...pageArgs(q), include: SUMMARY }),
      ]);
      return toPage(items, total, q);
    },

    async get(ctx: Ctx, id: string) {
      const domain = await db.domain.findFirst({ where: { id, tenantId: ctx.actor.tenantId }, include: DETAIL });
      if (!domain) throw NotFound('Domain');
      return domain;
    },
  };
}

export type DomainsService = ReturnType<typeof createDomainsService>;
