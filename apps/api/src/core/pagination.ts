import { z } from 'zod';

export const MAX_PAGE_SIZE = 100;

export const paginationQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(25),
  order: z.enum(['asc', 'desc']).default('desc'),
});

/** A list query: pagination plus a sort field chosen from an allow-list. */
export function listQuery<const F extends readonly [string, ...string[]], S extends z.ZodRawShape>(
  sortFields: F,
  filters: S,
  defaultSort: F[number] = sortFields[0],
) {
  return paginationQuery.extend({ sort: z.enum(sortFields).default(defaultSort as never), ...filters });
}

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
  totalPages: number;
}

export function pageArgs(q: { page: number; pageSize: number }) {
  return { skip: (q.page - 1) * q.pageSize, take: q.pageSize };
}

export function toPage<T>(items: T[], total: number, q: { page: number; pageSize: number }): Page<T> {
  return { items, page: q.page, pageSize: q.pageSize, total, totalPages: Math.ceil(total / q.pageSize) };
}
