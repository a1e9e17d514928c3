import type { Request, Response } from 'express';
import { inputOf } from '../../core/request-validator';
import { zodIssues } from '../../core/error-handler';
import { Invalid } from '../../core/errors';
import { ctxOf, metaOf } from '../../core/types';
import type { OrdersService } from './orders.service';
import { cancelOrderInput, idempotencyKeyHeader, intakeInput, listOrdersInput, manualOrderInput, orderIdParams } from './orders.types';

function idempotencyKey(req: Request): string | undefined {
  const parsed = idempotencyKeyHeader.safeParse(req.get('idempotency-key') || undefined);
  if (!parsed.success) throw Invalid('Invalid Idempotency-Key header', zodIssues(parsed.error, 'headers.idempotency-key'));
  return parsed.data;
}

export function createOrdersController(orders: OrdersService) {
  return {
    /** Internal zone: srv1 after a paid Stripe checkout. 201 the first time, 200 for a replay. */
    async intake(req: Request, res: Response) {
      const { body } = inputOf(req, intakeInput);
      const outcome = await orders.intake(body, { idempotencyKey: idempotencyKey(req), meta: metaOf(req) });
      res.status(outcome.created ? 201 : 200).json(outcome.result);
    },

    /** Admin zone: an order staff enter by hand goes through the same intake. */
    async createManual(req: Request, res: Response) {
      const { body } = inputOf(req, manualOrderInput);
      const { actor, meta } = ctxOf(req);
      const outcome = await orders.intake(body, { idempotencyKey: idempotencyKey(req), actor, meta });
      res.status(outcome.created ? 201 : 200).json(outcome.result);
    },

    async list(req: Request, res: Response) {
      const { query } = inputOf(req, listOrdersInput);
      res.json(await orders.list(ctxOf(req).actor, query));
    },

    async get(req: Request, res: Response) {
      const { params } = inputOf(req, orderIdParams);
      res.json(await orders.get(ctxOf(req).actor, params.id));
    },

    async cancel(req: Request, res: Response) {
      const { params, body } = inputOf(req, cancelOrderInput);
      const { actor, meta } = ctxOf(req);
      res.json(await orders.cancel(actor, meta, params.id, body));
    },
  };
}
