import type { Request, Response } from 'express';
import { inputOf } from '../../core/request-validator';
import { ctxOf } from '../../core/types';
import type { SubscriptionsService } from './subscriptions.service';
import { cancelSubscriptionInput, listSubscriptionsInput, subscriptionIdParams } from './subscriptions.types';

export function createSubscriptionsController(subscriptions: SubscriptionsService) {
  return {
    async list(req: Request, res: Response) {
      const { query } = inputOf(req, listSubscriptionsInput);
      res.json(await subscriptions.list(ctxOf(req), query));
    },
    async get(req: Request, res: Response) {
      const { params } = inputOf(req, subscriptionIdParams);
      res.json(await subscriptions.get(ctxOf(req), params.id));
    },
    async cancel(req: Request, res: Response) {
      const { params, body } = inputOf(req, cancelSubscriptionInput);
      res.json(await subscriptions.cancel(ctxOf(req), params.id, body));
    },
  };
}
