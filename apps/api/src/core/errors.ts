/**
 * One error type for everything a service can refuse. `code` is stable (clients and tests
 * match on it), `message` is safe to show to the caller, `details` names fields or ids.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export interface FieldIssue {
  path: string;
  message: string;
}

export const Invalid = (message: string, details?: FieldIssue[]) => new AppError(400, 'VALIDATION_FAILED', message, details);
export const Unauthorized = (message = 'Authentication required', code = 'UNAUTHORIZED') => new AppError(401, code, message);
export const Forbidden = (message = 'You do not have permission to do this', code = 'FORBIDDEN') => new AppError(403, code, message);
export const NotFound = (what: string) => new AppError(404, 'NOT_FOUND', `${what} not found`);
export const Conflict = (message: string, details?: unknown, code = 'CONFLICT') => new AppError(409, code, message, details);
export const Unprocessable = (message: string, details?: unknown, code = 'UNPROCESSABLE') => new AppError(422, code, message, details);
export const TooManyRequests = (message = 'Too many requests, try again later') => new AppError(429, 'RATE_LIMITED', message);
export const Unavailable = (message: string) => new AppError(503, 'UNAVAILABLE', message);
