import type { RequestHandler } from 'express';
import { adminRouter, type RouteEntry } from '../../core/admin-router';
import { validate } from '../../core/request-validator';
import { createProductsController } from './products.controller';
import type { ProductsService } from './products.service';
import { createProductInput, listProductsInput, productIdParams, updateProductInput } from './products.types';

/** Admin zone: /api/products (the website reads /api/public/products, mounted elsewhere). */
export function productsRouter(deps: { products: ProductsService; authenticate: RequestHandler; registry: RouteEntry[] }) {
  const c = createProductsController(deps.products);
  const r = adminRouter('/products', deps);
  r.get('/', 'products.read', validate(listProductsInput), c.list);
  r.post('/', 'products.write', validate(createProductInput), c.create);
  r.get('/:id', 'products.read', validate(productIdParams), c.get);
  r.patch('/:id', 'products.write', validate(updateProductInput), c.update);
  // Only a product without plans is deleted; one with plans answers 409 PRODUCT_IN_USE and
  // is retired with PATCH isActive=false instead, so no order loses its plan's product.
  r.delete('/:id', 'products.write', validate(productIdParams), c.remove);
  return r.router;
}
