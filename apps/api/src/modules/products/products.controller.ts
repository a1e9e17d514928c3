import type { Request, Response } from 'express';
import { inputOf } from '../../core/request-validator';
import { ctxOf } from '../../core/types';
import type { ProductsService } from './products.service';
import { createProductInput, listProductsInput, productIdParams, updateProductInput } from './products.types';

export function createProductsController(products: ProductsService) {
  return {
    async list(req: Request, res: Response) {
      const { query } = inputOf(req, listProductsInput);
      res.json(await products.list(ctxOf(req), query));
    },
    async get(req: Request, res: Response) {
      const { params } = inputOf(req, productIdParams);
      res.json(await products.get(ctxOf(req), params.id));
    },
    async create(req: Request, res: Response) {
      const { body } = inputOf(req, createProductInput);
      res.status(201).json(await products.create(ctxOf(req), body));
    },
    async update(req: Request, res: Response) {
      const { params, body } = inputOf(req, updateProductInput);
      res.json(await products.update(ctxOf(req), params.id, body));
    },
    async remove(req: Request, res: Response) {
      const { params } = inputOf(req, productIdParams);
      await products.remove(ctxOf(req), params.id);
      res.status(204).end();
    },
  };
}
