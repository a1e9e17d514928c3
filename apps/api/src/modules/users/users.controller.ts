import type { Request, Response } from 'express';
import { inputOf } from '../../core/request-validator';
import { ctxOf } from '../../core/types';
import type { UsersService } from './users.service';
import { createUserInput, listUsersInput, resetPasswordInput, setRoleInput, updateUserInput, userIdParams } from './users.types';

export function createUsersController(users: UsersService) {
  return {
    async list(req: Request, res: Response) {
      const { query } = inputOf(req, listUsersInput);
      res.json(await users.list(ctxOf(req), query));
    },
    async get(req: Request, res: Response) {
      const { params } = inputOf(req, userIdParams);
      res.json(await users.get(ctxOf(req), params.id));
    },
    async create(req: Request, res: Response) {
      const { body } = inputOf(req, createUserInput);
      res.setHeader('Cache-Control', 'no-store');
      res.status(201).json(await users.create(ctxOf(req), body));
    },
    async update(req: Request, res: Response) {
      const { params, body } = inputOf(req, updateUserInput);
      res.json(await users.update(ctxOf(req), params.id, body));
    },
    async setRole(req: Request, res: Response) {
      const { params, body } = inputOf(req, setRoleInput);
      res.json(await users.setRole(ctxOf(req), params.id, body.role));
    },
    async deactivate(req: Request, res: Response) {
      const { params } = inputOf(req, userIdParams);
      res.json(await users.deactivate(ctxOf(req), params.id));
    },
    async activate(req: Request, res: Response) {
      const { params } = inputOf(req, userIdParams);
      res.json(await users.activate(ctxOf(req), params.id));
    },
    async resetPassword(req: Request, res: Response) {
      const { params, body } = inputOf(req, resetPasswordInput);
      // A generated password is in this body and nowhere else: keep it out of every cache.
      res.setHeader('Cache-Control', 'no-store');
      res.json(await users.resetPassword(ctxOf(req), params.id, body));
    },
  };
}
