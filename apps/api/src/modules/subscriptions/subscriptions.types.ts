import { z } from 'zod';
import { listQuery } from '../../core/pagination';

const id = z.string().min(1).max(64);

export const SUBSCRIPTION_STATUSES = ['ACTIVE', 'PAST_DUE', 'CANCELLED', 'TRIALING', 'INACTIVE'] as const;

export const listSubscriptionsInput = {
  query: listQuery(['createdAt', 'startedAt', 'currentPeriodEnd', 'status'] as const, {
    status: z.enum(SUBSCRIPTION_STATUSES).optional(),
    customerId: id.optional(),
    planId: id.optional(),
    domainId: id.optional(),
    cancelAtPeriodEnd: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    search: z.string().trim().max(200).optional(),
  }),
};
export type ListSubscriptionsQuery = z.output<typeof listSubscriptionsInput.query>;

export const subscriptionIdParams = { params: z.object({ id }) };

export const cancelSubscriptionInput = {
  params: z.object({ id }),
  body: z.object({ atPeriodEnd: z.boolean(), reason: z.string().trim().max(500).optional() }).strict(),
};
export type CancelSubscription = z.output<typeof cancelSubscriptionInput.body>;
