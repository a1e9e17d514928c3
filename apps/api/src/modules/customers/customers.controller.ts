import type { Request, Response } from 'express';
import { inputOf } from '../../core/request-validator';
import { ctxOf } from '../../core/types';
import type { CustomersService } from './customers.service';
import { createCustomerInput, customerIdParams, listCustomersInput, updateCustomerInput } from './customers.types';

export function createCustomersController(customers: CustomersService) {
  return {
    async list(req: Request, res: Response) {
      const { query } = inputOf(req, listCustomersInput);
      res.json(await customers.list(ctxOf(req), query));
    },
    async get(req: Request, res: Response) {
      const { params } = inputOf(req, customerIdParams);
      res.json(await customers.get(ctxOf(req), params.id));
    },
    async create(req: Request, res: Response) {
      const { body } = inputOf(req, createCustomerInput);
      res.status(201).json(await customers.create(ctxOf(req), body));
    },
    async update(req: Request, res: Response) {
      const { params, body } = inputOf(req, updateCustomerInput);
      res.json(await customers.update(ctxOf(req), params.id, body));
    },
  };
}
