import crypto from 'node:crypto';

export interface CachedBody {
  body: string;
  etag: string;
  tenantId: string | null;
  expiresAt: number;
}

/**
 * Serialized public catalog responses, kept in process memory because the website reads them
 * on every page view. Entries die when their tenant's catalog changes (locally at once, on other
 * API instances through the Redis channel wired in the container) or after `ttlMs` as a net.
 */
export function createCatalogCache(ttlMs: number) {
  const entries = new Map<string, CachedBody>();
  const pending = new Map<string, Promise<CachedBody>>();
  let generation = 0;

  return {
    async get(key: string, load: () => Promise<{ tenantId: string | null; value: unknown }>): Promise<CachedBody> {
      const hit = entries.get(key);
      if (hit && hit.expiresAt > Date.now()) return hit;
      const inFlight = pending.get(key);
      if (inFlight) return inFlight;
      const startedAt = generation;
      const fill = load()
        .then(({ tenantId, value }) => {
          const body = JSON.stringify(value);
          const etag = `W/"${crypto.createHash('sha1').update(body).digest('base64url')}"`;
          const entry = { body, etag, tenantId, expiresAt: Date.now() + ttlMs };
          // An invalidation that arrived while loading means this value may be stale already.
          if (ttlMs > 0 && startedAt === generation) entries.set(key, entry);
          return entry;
        })
        .finally(() => pending.delete(key));
      pending.set(key, fill);
      return fill;
    },
    invalidate(tenantId?: string) {
      generation++;
      for (const [key, entry] of entries) {
        if (!tenantId || entry.tenantId === tenantId || entry.tenantId === null) entries.delete(key);
      }
    },
    size: () => entries.size,
  };
}

export type CatalogCache = ReturnType<typeof createCatalogCache>;
