import type { Request, Response } from 'express';
import { inputOf } from '../../core/request-validator';
import type { CachedBody } from './catalog.cache';
import type { CatalogService } from './catalog.service';
import { publicPlansInput, publicProductsInput } from './catalog.types';

/** Sends a cached body with validators so browsers and the website's CDN can revalidate cheaply. */
function sendCached(req: Request, res: Response, entry: CachedBody, maxAgeSeconds: number) {
  res.setHeader('Cache-Control', `public, max-age=${maxAgeSeconds}, stale-while-revalidate=${maxAgeSeconds * 5}`);
  res.setHeader('ETag', entry.etag);
  res.setHeader('Vary', 'Accept-Encoding');
  const match = req.headers['if-none-match'];
  if (match && match.split(',').some((t) => t.trim() === entry.etag || t.trim() === '*')) {
    res.status(304).end();
    return;
  }
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(entry.body);
}

export function createCatalogController(catalog: CatalogService, maxAgeSeconds: number) {
  return {
    async products(req: Request, res: Response) {
      const { query } = inputOf(req, publicProductsInput);
      sendCached(req, res, await catalog.products(query), maxAgeSeconds);
    },
    async plans(req: Request, res: Response) {
      const { query } = inputOf(req, publicPlansInput);
      sendCached(req, res, await catalog.plans(query), maxAgeSeconds);
    },
  };
}
