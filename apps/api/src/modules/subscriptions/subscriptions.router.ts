import type { RequestHandler } from 'express';
import { adminRouter, type RouteEntry } from '../../core/admin-router';
import { validate } from '../../core/request-validator';
import { createSubscriptionsController } from './subscriptions.controller';
import type { SubscriptionsService } from './subscriptions.service';
import { cancelSubscriptionInput, listSubscriptionsInput, subscriptionIdParams } from './subscriptions.types';

/** Admin zone: /api/subscriptions. Order intake creates them; staff list, read and cancel. */
export function subscriptionsRouter(deps: { subscriptions: SubscriptionsService; authenticate: RequestHandler; registry: RouteEntry[] }) {
  const c = createSubscriptionsController(deps.subscriptions);
  const r = adminRouter('/subscriptions', deps);
  r.get('/', 'subscriptions.read', validate(listSubscriptionsInput), c.list);
  r.get('/:id', 'subscriptions.read', validate(subscriptionIdParams), c.get);
  r.post('/:id/cancel', 'subscriptions.write', validate(cancelSubscriptionInput), c.cancel);
  return r.router;
}
