import type { RequestHandler } from 'express';
import { adminRouter, type RouteEntry } from '../../core/admin-router';
import { validate } from '../../core/request-validator';
import { createCustomersController } from './customers.controller';
import type { CustomersService } from './customers.service';
import { createCustomerInput, customerIdParams, listCustomersInput, updateCustomerInput } from './customers.types';

/** Admin zone: /api/customers. No delete: orders and subscriptions keep pointing at them; PATCH isActive=false retires one. */
export function customersRouter(deps: { customers: CustomersService; authenticate: RequestHandler; registry: RouteEntry[] }) {
  const c = createCustomersController(deps.customers);
  const r = adminRouter('/customers', deps);
  r.get('/', 'customers.read', validate(listCustomersInput), c.list);
  r.post('/', 'customers.write', validate(createCustomerInput), c.create);
  r.get('/:id', 'customers.read', validate(customerIdParams), c.get);
  r.patch('/:id', 'customers.write', validate(updateCustomerInput), c.update);
  return r.router;
}
