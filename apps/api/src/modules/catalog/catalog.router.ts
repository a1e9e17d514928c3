import { Router } from 'express';
import { validate } from '../../core/request-validator';
import { createCatalogController } from './catalog.controller';
import type { CatalogService } from './catalog.service';
import { publicPlansInput, publicProductsInput } from './catalog.types';

/** Public zone: read by the marketing website. Mounted at /api/public. */
export function publicCatalogRouter(deps: { catalog: CatalogService; maxAgeSeconds: number }) {
  const c = createCatalogController(deps.catalog, deps.maxAgeSeconds);
  const r = Router();
  r.get('/products', validate(publicProductsInput), c.products);
  r.get('/plans', validate(publicPlansInput), c.plans);
  return { router: r, controller: c };
}
