import { Router, type RequestHandler } from 'express';
import { adminRouter, type RouteEntry } from '../../core/admin-router';
import { validate } from '../../core/request-validator';
import { createOrdersController } from './orders.controller';
import type { OrdersService } from './orders.service';
import { cancelOrderInput, intakeInput, listOrdersInput, manualOrderInput, orderIdParams } from './orders.types';

/** Admin zone: /api/orders (and /api/admin/orders). */
export function ordersRouter(deps: { orders: OrdersService; authenticate: RequestHandler; registry: RouteEntry[] }) {
  const c = createOrdersController(deps.orders);
  const r = adminRouter('/orders', deps);
  r.get('/', 'orders.read', validate(listOrdersInput), c.list);
  r.post('/', 'orders.write', validate(manualOrderInput), c.createManual);
  r.get('/:id', 'orders.read', validate(orderIdParams), c.get);
  r.post('/:id/cancel', 'orders.write', validate(cancelOrderInput), c.cancel);
  return r.router;
}

/**
 * Internal zone: order intake for srv1 at `POST /api/internal/orders`, and at `POST /api/orders`
 * when the caller presents an internal key rather than a staff token (seed §6.3 uses that path).
 */
export function internalOrdersRouter(deps: { orders: OrdersService; internalKey: RequestHandler }) {
  const c = createOrdersController(deps.orders);
  const r = Router();
  r.post('/internal/orders', deps.internalKey, validate(intakeInput), c.intake);
  r.post('/orders', presentsInternalKey, deps.internalKey, validate(intakeInput), c.intake);
  return r;
}

/** A staff access token is a JWT (three dot-separated parts); anything else in Bearer is an internal key. */
const presentsInternalKey: RequestHandler = (req, _res, next) => {
  if (req.get('x-internal-key') !== undefined) return next();
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
  if (bearer && bearer.split('.').length !== 3) return next();
  next('route');
};
