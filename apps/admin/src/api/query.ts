import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { describeError, isApiError } from './errors';

/**
 * Per-query or per-mutation `meta`:
 * - `quiet`: statuses the screen shows in place (e.g. a form maps 400 onto its fields, a detail
 *   page renders its own 404), so no toast for them; `true` silences every error.
 */
export interface RequestMeta extends Record<string, unknown> {
  quiet?: boolean | number[];
}

declare module '@tanstack/react-query' {
  interface Register {
    queryMeta: RequestMeta;
    mutationMeta: RequestMeta;
  }
}

export interface Notice {
  kind: 'error' | 'forbidden' | 'conflict' | 'rate-limit';
  title: string;
  message: string;
}

const NO_RETRY = new Set([400, 401, 403, 404, 409, 422, 429]);

/** Retries only what might succeed next time: network errors and 5xx, twice. */
export function shouldRetry(failureCount: number, err: unknown): boolean {
  if (isApiError(err) && NO_RETRY.has(err.status)) return false;
  return failureCount < 2;
}

export function noticeFor(err: unknown): Notice | null {
  if (!isApiError(err)) return { kind: 'error', title: 'Something went wrong', message: describeError(err) };
  // 401 has already been through one refresh; the router takes the user to sign-in.
  if (err.status === 401) return null;
  if (err.status === 403) return { kind: 'forbidden', title: 'Not allowed', message: describeError(err) };
  if (err.status === 409) return { kind: 'conflict', title: 'Conflict', message: err.message };
  if (err.status === 429) return { kind: 'rate-limit', title: 'Slow down', message: describeError(err) };
  return { kind: 'error', title: err.status === 0 ? 'Offline' : 'Request failed', message: describeError(err) };
}

function isQuiet(err: unknown, meta: RequestMeta | undefined): boolean {
  const quiet = meta?.quiet;
  if (quiet === true) return true;
  return Array.isArray(quiet) && isApiError(err) && quiet.includes(err.status);
}

/**
 * The one place that sets how server state behaves: no retry on 4xx, errors become a toast
 * (unless the screen shows them itself), and data stays fresh for a few seconds so tables
 * switch pages without flashing.
 */
export function createQueryClient(notify: (n: Notice) => void): QueryClient {
  const report = (err: unknown, meta: RequestMeta | undefined) => {
    if (isQuiet(err, meta)) return;
    const notice = noticeFor(err);
    if (notice) notify(notice);
  };
  return new QueryClient({
    queryCache: new QueryCache({
      onError: (err, query) => {
        // A background refetch of data already on screen fails quietly unless it is new news.
        if (query.state.data !== undefined && !(isApiError(err) && err.status === 403)) return;
        report(err, query.meta);
      },
    }),
    mutationCache: new MutationCache({ onError: (err, _vars, _ctx, mutation) => report(err, mutation.meta) }),
    defaultOptions: {
      queries: { retry: shouldRetry, staleTime: 10_000, refetchOnWindowFocus: true },
      mutations: { retry: false },
    },
  });
}
