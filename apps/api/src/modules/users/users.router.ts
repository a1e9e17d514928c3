import type { RequestHandler } from 'express';
import { adminRouter, type RouteEntry } from '../../core/admin-router';
import { validate } from '../../core/request-validator';
import { createUsersController } from './users.controller';
import type { UsersService } from './users.service';
import { createUserInput, listUsersInput, resetPasswordInput, setRoleInput, updateUserInput, userIdParams } from './users.types';

/**
 * Admin zone: /api/users, the staff of the caller's tenant. Users are deactivated, never
 * deleted, so the audit trail keeps pointing at who did what.
 */
export function usersRouter(deps: { users: UsersService; authenticate: RequestHandler; registry: RouteEntry[] }) {
  const c = createUsersController(deps.users);
  const r = adminRouter('/users', deps);
  r.get('/', 'users.read', validate(listUsersInput), c.list);
  r.post('/', 'users.write', validate(createUserInput), c.create);
  r.get('/:id', 'users.read', validate(userIdParams), c.get);
  r.patch('/:id', 'users.write', validate(updateUserInput), c.update);
  r.patch('/:id/role', 'users.write', validate(setRoleInput), c.setRole);
  r.post('/:id/deactivate', 'users.write', validate(userIdParams), c.deactivate);
  r.post('/:id/activate', 'users.write', validate(userIdParams), c.activate);
  r.post('/:id/reset-password', 'users.write', validate(resetPasswordInput), c.resetPassword);
  return r.router;
}
