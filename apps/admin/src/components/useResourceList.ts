import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type { ListParams, Page } from '@/api/contracts';
import { useApi } from '@/auth/AuthProvider';

type ListShape = { sort?: string } & Record<string, unknown>;
/** Any list query, when a caller does not name the module's schema. */
export type AnyListQuery = z.ZodType<ListShape, ListShape>;

/**
 * `Q` is the API's list query schema (from contracts.ts): with it, filter and sort names are
 * checked against what the API accepts.
 */
export interface ListOptions<Q extends z.ZodType = AnyListQuery> {
  /** Query-key root, usually the module name. */
  key: string;
  /** API path, e.g. `/plans`. */
  path: string;
  defaultSort?: ListParams<Q>['sort'];
  defaultOrder?: 'asc' | 'desc';
  defaultPageSize?: number;
  /** Query-string filters the API accepts besides page/pageSize/sort/order/search. */
  filters?: readonly ListParams<Q>['filter'][];
  /** Fixed filters (e.g. a customer's own orders), not shown in the URL. */
  fixed?: Partial<Record<ListParams<Q>['filter'], string>>;
  /** Poll while something on the page is still moving. */
  refetchInterval?: number | false | ((rows: unknown[]) => number | false);
  enabled?: boolean;
  /** Keep list state in the URL (default) or in memory when several lists share a page. */
  urlPrefix?: string;
  /** Turns URL values into what the API takes (e.g. a local date into an ISO instant). */
  mapQuery?: (q: Record<string, string | number | undefined>) => Record<string, string | number | undefined>;
}

export interface ListState {
  page: number;
  pageSize: number;
  sort?: string;
  order: 'asc' | 'desc';
  search: string;
  filters: Record<string, string>;
}

export const listKey = (key: string) => [key, 'list'] as const;

/**
 * Server-side list state kept in the URL (so a filtered page can be bookmarked, shared and
 * survives a reload), and the query that fetches that page. Every module's list uses it.
 */
export function useResourceList<Row, Q extends z.ZodType = AnyListQuery>(opts: ListOptions<Q>) {
  const api = useApi();
  const [params, setParams] = useSearchParams();
  const p = (name: string) => `${opts.urlPrefix ?? ''}${name}`;

  const state: ListState = useMemo(() => {
    const filters: Record<string, string> = {};
    for (const f of (opts.filters ?? []) as readonly string[]) {
      const v = params.get(p(f));
      if (v) filters[f] = v;
    }
    const order = params.get(p('order'));
    return {
      page: Math.max(1, Number(params.get(p('page'))) || 1),
      pageSize: Number(params.get(p('pageSize'))) || opts.defaultPageSize || 25,
      sort: params.get(p('sort')) ?? (opts.defaultSort as string | undefined),
      order: order === 'asc' || order === 'desc' ? order : (opts.defaultOrder ?? 'desc'),
      search: params.get(p('search')) ?? '',
      filters,
    };
  }, [params, opts.filters, opts.defaultSort, opts.defaultOrder, opts.defaultPageSize, opts.urlPrefix]);

  const update = useCallback(
    (changes: Record<string, string | number | undefined>, resetPage = true) => {
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          for (const [k, v] of Object.entries(changes)) {
            if (v === undefined || v === '') next.delete(p(k));
            else next.set(p(k), String(v));
          }
          if (resetPage && !('page' in changes)) next.delete(p('page'));
          return next;
        },
        { replace: true },
      );
    },
    [setParams, opts.urlPrefix],
  );

  const raw = {
    page: state.page,
    pageSize: state.pageSize,
    sort: state.sort,
    order: state.order,
    search: state.search || undefined,
    ...state.filters,
    ...opts.fixed,
  };
  const query = opts.mapQuery ? opts.mapQuery(raw) : raw;

  const result = useQuery({
    queryKey: [...listKey(opts.key), opts.path, query],
    queryFn: ({ signal }) => api.get<Page<Row>>(opts.path, { query, signal }),
    placeholderData: keepPreviousData,
    enabled: opts.enabled,
    meta: { quiet: [404] },
    refetchInterval:
      typeof opts.refetchInterval === 'function'
        ? (q) => (opts.refetchInterval as (rows: unknown[]) => number | false)(q.state.data?.items ?? [])
        : opts.refetchInterval,
  });

  return {
    ...result,
    state,
    rows: result.data?.items ?? [],
    total: result.data?.total ?? 0,
    setPage: (page: number) => update({ page }, false),
    setPageSize: (pageSize: number) => update({ pageSize }),
    setSort: (sort: string, order: 'asc' | 'desc') => update({ sort, order }),
    setSearch: (search: string) => update({ search }),
    setFilter: (name: string, value: string | undefined) => update({ [name]: value }),
    clearFilters: () => update(Object.fromEntries([...((opts.filters ?? []) as readonly string[]), 'search'].map((f) => [f, undefined]))),
  };
}

export type ResourceListResult<Row> = ReturnType<typeof useResourceList<Row, AnyListQuery>>;
