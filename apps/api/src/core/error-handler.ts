import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import type { Logger } from '../config/logger';
import { AppError, type FieldIssue } from './errors';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown; requestId?: string };
}

export function zodIssues(err: ZodError, prefix?: string): FieldIssue[] {
  return err.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(root)',
    message: i.message,
  }));
}

interface PrismaLikeError {
  code?: string;
  meta?: { target?: unknown; modelName?: string; driverAdapterError?: { cause?: { constraint?: { fields?: string[] } } } };
}

export function uniqueFields(err: PrismaLikeError): string[] | undefined {
  const target = err.meta?.target;
  if (Array.isArray(target)) return target.map(String);
  if (typeof target === 'string') return [target];
  return err.meta?.driverAdapterError?.cause?.constraint?.fields;
}

/** True when `err` is a unique-constraint violation (Prisma P2002). */
export function isUniqueViolation(err: unknown): err is PrismaLikeError {
  return typeof err === 'object' && err !== null && (err as PrismaLikeError).code === 'P2002';
}

/** Maps anything thrown in a request to the one error shape; internals never reach the client. */
export function toHttpError(err: unknown): { status: number; body: ErrorBody['error'] } {
  if (err instanceof AppError) {
    return { status: err.status, body: { code: err.code, message: err.message, details: err.details } };
  }
  if (err instanceof ZodError) {
    return { status: 400, body: { code: 'VALIDATION_FAILED', message: 'Request validation failed', details: zodIssues(err) } };
  }
  const e = err as PrismaLikeError & { type?: string; status?: number; name?: string };
  if (e && typeof e === 'object') {
    if (e.code === 'P2002') {
      const fields = uniqueFields(e);
      return {
        status: 409,
        body: { code: 'ALREADY_EXISTS', message: `A record with this ${fields?.join(', ') ?? 'value'} already exists`, details: fields ? { fields } : undefined },
      };
    }
    if (e.code === 'P2025') return { status: 404, body: { code: 'NOT_FOUND', message: 'Record not found' } };
    if (e.code === 'P2003') return { status: 409, body: { code: 'IN_USE', message: 'The record is referenced by other records' } };
    // body-parser errors carry a `type` and an HTTP status.
    if (e.type === 'entity.parse.failed') return { status: 400, body: { code: 'INVALID_JSON', message: 'Request body is not valid JSON' } };
    if (e.type === 'entity.too.large') return { status: 413, body: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' } };
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      return { status: e.status, body: { code: 'BAD_REQUEST', message: 'Bad request' } };
    }
  }
  return { status: 500, body: { code: 'INTERNAL', message: 'Something went wrong' } };
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const { status, body } = toHttpError(err);
    const log = req.log ?? logger;
    if (status >= 500) log.error({ err }, 'request failed');
    else log.debug({ code: body.code }, 'request refused');
    if (res.headersSent) return;
    res.status(status).json({ error: { ...body, requestId: req.id ? String(req.id) : undefined } });
  };
}

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json({ error: { code: 'ROUTE_NOT_FOUND', message: `No route for ${req.method} ${req.path}` } });
};
