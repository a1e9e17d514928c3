import type { ApiErrorBody, FieldIssue } from './contracts';

/** Any refusal from the API (or from the network), with the API's stable code and field issues. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static fromBody(status: number, body: unknown, fallback: string): ApiError {
    const e = (body as Partial<ApiErrorBody> | undefined)?.error;
    if (e && typeof e.code === 'string') return new ApiError(status, e.code, e.message || fallback, e.details, e.requestId);
    return new ApiError(status, status === 0 ? 'NETWORK' : 'HTTP_ERROR', fallback);
  }

  /** Per-field problems of a 400/422 answer: `[{ path: 'body.email', message }]`. */
  get fieldIssues(): FieldIssue[] {
    if (!Array.isArray(this.details)) return [];
    return this.details.filter(
      (d): d is FieldIssue => !!d && typeof (d as FieldIssue).path === 'string' && typeof (d as FieldIssue).message === 'string',
    );
  }
}

export const isApiError = (err: unknown): err is ApiError => err instanceof ApiError;

/** `body.customer.email` → `customer.email`: the form field a server issue belongs to. */
export function fieldOf(path: string): string {
  return path.replace(/^(body|query|params)\./, '');
}

/** The sentence to show for an error nobody handled in place. */
export function describeError(err: unknown): string {
  if (!isApiError(err)) return err instanceof Error ? err.message : 'Something went wrong';
  switch (err.status) {
    case 0:
      return 'Cannot reach the server. Check your connection and try again.';
    case 403:
      return err.message || 'You do not have permission to do this.';
    case 429:
      return err.message || 'Too many requests. Wait a moment and try again.';
    default:
      if (err.status >= 500) return `The server failed to answer (${err.code}). Try again in a moment.`;
      return err.message;
  }
}
