import type { Request, Response } from 'express';
import { inputOf } from '../../core/request-validator';
import { ctxOf, metaOf } from '../../core/types';
import type { AuthService } from './auth.service';
import { loginInput, logoutInput, refreshInput } from './auth.types';

export function createAuthController(auth: AuthService) {
  return {
    async login(req: Request, res: Response) {
      const { body } = inputOf(req, loginInput);
      res.json(await auth.login(body.email, body.password, metaOf(req)));
    },
    async refresh(req: Request, res: Response) {
      const { body } = inputOf(req, refreshInput);
      res.json(await auth.refresh(body.refreshToken, metaOf(req)));
    },
    async logout(req: Request, res: Response) {
      const { body } = inputOf(req, logoutInput);
      await auth.logout(body.refreshToken, metaOf(req));
      res.status(204).end();
    },
    async me(req: Request, res: Response) {
      res.json(await auth.me(ctxOf(req).actor));
    },
  };
}
