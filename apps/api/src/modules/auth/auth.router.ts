import { Router, type RequestHandler } from 'express';
import { validate } from '../../core/request-validator';
import type { AuthService } from './auth.service';
import { createAuthController } from './auth.controller';
import { loginInput, logoutInput, refreshInput } from './auth.types';

export function authRouter(deps: { auth: AuthService; authenticate: RequestHandler; loginLimiter: RequestHandler }) {
  const c = createAuthController(deps.auth);
  const r = Router();
  r.post('/login', deps.loginLimiter, validate(loginInput), c.login);
  r.post('/refresh', deps.loginLimiter, validate(refreshInput), c.refresh);
  r.post('/logout', validate(logoutInput), c.logout);
  r.get('/me', deps.authenticate, c.me);
  return r;
}
