import type { Request, RequestHandler } from 'express';
import { z, type ZodType } from 'zod';
import { Invalid } from './errors';
import { zodIssues } from './error-handler';

export interface InputSchemas {
  body?: ZodType;
  params?: ZodType;
  query?: ZodType;
}

export type Input<S extends InputSchemas> = {
  [K in keyof S]: S[K] extends ZodType ? z.output<S[K]> : never;
};

declare module 'express-serve-static-core' {
  interface Request {
    input?: Record<string, unknown>;
  }
}

/**
 * Parses body, params and query with the given schemas before the controller runs. Every
 * failing field is reported at once, prefixed with where it came from (`body.email`).
 */
export function validate(schemas: InputSchemas): RequestHandler {
  return (req, _res, next) => {
    const parsed: Record<string, unknown> = {};
    const issues = [];
    for (const part of ['params', 'query', 'body'] as const) {
      const schema = schemas[part];
      if (!schema) continue;
      const raw = part === 'body' ? (req.body ?? {}) : req[part];
      const result = schema.safeParse(raw);
      if (result.success) parsed[part] = result.data;
      else issues.push(...zodIssues(result.error, part));
    }
    if (issues.length) {
      const fields = issues.map((i) => i.path).join(', ');
      return next(Invalid(`Invalid input: ${fields}`, issues));
    }
    req.input = parsed;
    next();
  };
}

/** The parsed input `validate(schemas)` stored for this request, typed by the same schemas. */
export function inputOf<S extends InputSchemas>(req: Request, _schemas: S): Input<S> {
  if (!req.input) throw new Error('validate() did not run for this route');
  return req.input as Input<S>;
}
