import type { Db } from '../../config/database';
import type { Logger } from '../../config/logger';
import { AppError } from '../../core/errors';
import type { CachedBody, CatalogCache } from './catalog.cache';
import { planLimitsSchema, type PublicPlan, type PublicProduct } from './catalog.types';

type ProductType = PublicProduct['type'];

interface Deps {
  db: Db;
  cache: CatalogCache;
  logger: Logger;
  defaultTenantSlug: string;
  /** Tells the other API instances to drop their copies (Redis pub/sub); optional in tests. */
  broadcast?: (tenantId: string) => Promise<void>;
}

const planSelect = {
  slug: true,
  name: true,
  billingCycle: true,
  priceMonthlyCents: true,
  priceYearlyCents: true,
  currency: true,
  isPopular: true,
  limitsJson: true,
} as const;

// Display order: staff's explicit order, monthly before yearly, then cheapest first.
const PLAN_ORDER = [{ sortOrder: 'asc' }, { billingCycle: 'asc' }, { priceMonthlyCents: 'asc' }, { slug: 'asc' }] as const satisfies Array<Record<string, 'asc'>>;

type PlanRow = {
  slug: string;
  name: string;
  billingCycle: 'MONTHLY' | 'YEARLY';
  priceMonthlyCents: number;
  priceYearlyCents: number;
  currency: string;
  isPopular: boolean;
  limitsJson: unknown;
};

function presentPlan(p: PlanRow): Omit<PublicPlan, 'product'> {
  const limits = planLimitsSchema.safeParse(p.limitsJson ?? {});
  return {
    slug: p.slug,
    name: p.name,
    billingCycle: p.billingCycle,
    priceCents: p.billingCycle === 'YEARLY' ? p.priceYearlyCents : p.priceMonthlyCents,
    priceMonthlyCents: p.priceMonthlyCents,
    priceYearlyCents: p.priceYearlyCents,
    currency: p.currency,
    isPopular: p.isPopular,
    limits: limits.success ? limits.data : {},
  };
}

export function createCatalogService(deps: Deps) {
  const { db, cache } = deps;

  async function tenantFor(slug: string | undefined) {
    const tenant = await db.tenant.findUnique({ where: { slug: slug ?? deps.defaultTenantSlug }, select: { id: true, slug: true, isActive: true } });
    if (!tenant) throw new AppError(404, 'TENANT_NOT_FOUND', `Unknown tenant: ${slug ?? deps.defaultTenantSlug}`);
    return tenant;
  }

  return {
    products(q: { tenant?: string; type?: ProductType }): Promise<CachedBody> {
      return cache.get(`products:${q.tenant ?? deps.defaultTenantSlug}:${q.type ?? ''}`, async () => {
        const tenant = await tenantFor(q.tenant);
        const rows = tenant.isActive
          ? await db.product.findMany({
              where: { tenantId: tenant.id, isActive: true, ...(q.type && { type: q.type }) },
              orderBy: [{ createdAt: 'asc' }, { slug: 'asc' }],
              select: {
                slug: true,
                name: true,
                type: true,
                description: true,
                plans: { where: { isActive: true }, orderBy: PLAN_ORDER, select: planSelect },
              },
            })
          : [];
        const products: PublicProduct[] = rows.map((p) => ({ ...p, plans: p.plans.map(presentPlan) }));
        return { tenantId: tenant.id, value: { tenant: tenant.slug, products } };
      });
    },

    plans(q: { tenant?: string; type?: ProductType; product?: string }): Promise<CachedBody> {
      return cache.get(`plans:${q.tenant ?? deps.defaultTenantSlug}:${q.type ?? ''}:${q.product ?? ''}`, async () => {
        const tenant = await tenantFor(q.tenant);
        const rows = tenant.isActive
          ? await db.plan.findMany({
              where: {
                tenantId: tenant.id,
                isActive: true,
                product: { isActive: true, ...(q.type && { type: q.type }), ...(q.product && { slug: q.product }) },
              },
              orderBy: [{ product: { createdAt: 'asc' } }, ...PLAN_ORDER],
              select: { ...planSelect, product: { select: { slug: true, name: true, type: true } } },
            })
          : [];
        const plans: PublicPlan[] = rows.map((p) => ({ ...presentPlan(p), product: p.product }));
        return { tenantId: tenant.id, value: { tenant: tenant.slug, plans } };
      });
    },

    /** Called by every write to products, plans or tenants. */
    async invalidate(tenantId: string): Promise<void> {
      cache.invalidate(tenantId);
      await deps.broadcast?.(tenantId).catch((err) => deps.logger.warn({ err }, 'catalog invalidation broadcast failed'));
    },
  };
}

export type CatalogService = ReturnType<typeof createCatalogService>;
