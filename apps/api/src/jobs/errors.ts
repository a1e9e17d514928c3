import { ZodError } from 'zod';
import { FarSideError } from '../integrations/errors';

/** A failure that running the job again cannot fix (the data is wrong, not the weather). */
export class PermanentJobError extends Error {
  constructor(message: string, readonly details?: Record<string, unknown>) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

export function isPermanent(err: unknown): boolean {
  if (err instanceof PermanentJobError || err instanceof ZodError) return true;
  if (err instanceof FarSideError) return !err.retryable;
  return false;
}

/** One line for Job.lastError and JobLog.message; zod issues name the payload field. */
export function describeError(err: unknown): string {
  if (err instanceof ZodError) {
    return `invalid payload: ${err.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`;
  }
  if (err instanceof Error) return err.message.slice(0, 2000);
  return String(err).slice(0, 2000);
}

export function errorDetails(err: unknown): Record<string, unknown> {
  if (err instanceof FarSideError) {
    return { system: err.system, status: err.status, retryable: err.retryable, ...(err.opts.details ?? {}) };
  }
  if (err instanceof PermanentJobError) return { ...(err.details ?? {}), retryable: false };
  if (err instanceof ZodError) return { retryable: false };
  return { retryable: true };
}
