import { Router, type RequestHandler } from 'express';
import type { Action } from './permissions';
import { allow } from './zones';

export interface RouteEntry {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  /** Path under /api, e.g. `/servers/:id/check`; the same route also answers under /api/admin. */
  path: string;
  action: Action;
}

type Add = (path: string, action: Action, ...handlers: RequestHandler[]) => void;

/**
 * An admin-zone router where every route names its role-matrix action. The route is recorded
 * in `registry`, which the route-table test walks, so a route cannot exist without an entry.
 */
export function adminRouter(base: string, deps: { authenticate: RequestHandler; registry: RouteEntry[] }) {
  const router = Router();
  const add =
    (method: RouteEntry['method']): Add =>
    (path, action, ...handlers) => {
      deps.registry.push({ method, path: `${base}${path === '/' ? '' : path}`, action });
      router[method](path, deps.authenticate, allow(action), ...handlers);
    };
  return { router, get: add('get'), post: add('post'), patch: add('patch'), put: add('put'), delete: add('delete') };
}

export type AdminRouter = ReturnType<typeof adminRouter>;
