import { z } from 'zod';
import { listQuery } from '../../core/pagination';
import { productTypeSchema, slugSchema } from '../catalog/catalog.types';

const id = z.string().min(1).max(64);
const someField = (b: object) => Object.values(b).some((v) => v !== undefined);

export const listProductsInput = {
  query: listQuery(['createdAt', 'name', 'slug', 'type'] as const, {
    search: z.string().trim().max(200).optional(),
    type: productTypeSchema.optional(),
    isActive: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  }),
};
export type ListProductsQuery = z.output<typeof listProductsInput.query>;

export const productIdParams = { params: z.object({ id }) };

const fields = {
  name: z.string().trim().min(1).max(100),
  slug: slugSchema,
  type: productTypeSchema,
  description: z.string().trim().max(2000).nullable(),
  isActive: z.boolean(),
};

export const createProductInput = {
  body: z.object({ ...fields, description: fields.description.optional(), isActive: fields.isActive.default(true) }).strict(),
};
export type CreateProduct = z.output<typeof createProductInput.body>;

export const updateProductInput = {
  params: z.object({ id }),
  body: z.object(fields).partial().strict().refine(someField, 'must change at least one field'),
};
export type UpdateProduct = z.output<typeof updateProductInput.body>;
