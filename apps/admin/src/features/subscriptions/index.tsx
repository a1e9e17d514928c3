import { useState } from 'react';
import { useParams } from 'react-router';
import { Button, Radio, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconBan } from '@tabler/icons-react';
import type { DataTableColumn } from 'mantine-datatable';
import { cancelSubscriptionBody, SUBSCRIPTION_STATUSES, type SubscriptionDetail, type SubscriptionRow, subscriptionListQuery } from '@/api/contracts';
import { DataTable } from 'mantine-datatable';
import { Section } from '@/components/Fields';
import { TextareaField } from '@/lib/forms';
import { useApi, useCan } from '@/auth/AuthProvider';
import { IdTag, Mono, RecordLink, When } from '@/components/common';
import { DetailPage, useDetail } from '@/components/DetailPage';
import { Fields } from '@/components/Fields';
import { PageHeader } from '@/components/PageHeader';
import { ResourceList } from '@/components/ResourceList';
import { StatusBadge } from '@/components/StatusBadge';
import { useResourceList, type ListOptions } from '@/components/useResourceList';
import { FormModal, useFormMutation, useZodForm } from '@/lib/forms';
import { date, dateTime, money, shortId } from '@/lib/format';
import { useController } from 'react-hook-form';

const STATUSES = [...SUBSCRIPTION_STATUSES];

export const subscriptionColumns: DataTableColumn<SubscriptionRow>[] = [
  { accessor: 'id', title: 'Subscription', render: (s) => <RecordLink to={`/subscriptions/${s.id}`} mono>{shortId(s.id)}</RecordLink> },
  { accessor: 'customer', render: (s) => s.customer?.email ?? <IdTag id={s.customerId} /> },
  { accessor: 'plan', render: (s) => s.plan?.name ?? <IdTag id={s.planId} /> },
  { accessor: 'domain', render: (s) => (s.domain ? <Mono>{s.domain.name}</Mono> : '—') },
  { accessor: 'status', sortable: true, render: (s) => <StatusBadge status={s.status} /> },
  { accessor: 'currentPeriodEnd', title: 'Renews / ends', sortable: true, render: (s) => `${date(s.currentPeriodEnd)}${s.cancelAtPeriodEnd ? ' (ends)' : ''}` },
];

export function SubscriptionList(props: Partial<ListOptions<typeof subscriptionListQuery>> & { search?: boolean }) {
  const list = useResourceList<SubscriptionRow, typeof subscriptionListQuery>({ key: 'subscriptions', path: '/subscriptions', defaultSort: 'createdAt', filters: ['status'], ...props });
  return (
    <ResourceList
      list={list}
      noun="subscriptions"
      columns={subscriptionColumns}
      search={props.search === false ? false : 'Customer email or domain'}
      rowHref={(s) => `/subscriptions/${s.id}`}
      filters={props.fixed ? [] : [{ name: 'status', label: 'Status', type: 'select', options: STATUSES }]}
    />
  );
}

export function SubscriptionsPage() {
  return (
    <>
      <PageHeader title="Subscriptions" description="What each customer pays for, and until when" />
      <SubscriptionList />
    </>
  );
}

function CancelSubscription({ sub }: { sub: SubscriptionRow }) {
  const api = useApi();
  const can = useCan();
  const [open, setOpen] = useState(false);
  const form = useZodForm(cancelSubscriptionBody, { defaultValues: { atPeriodEnd: true } });
  const at = useController({ control: form.control, name: 'atPeriodEnd' });
  const { mutation, formError } = useFormMutation(form, (body: unknown) => api.post(`/subscriptions/${sub.id}/cancel`, body), {
    invalidate: [['subscriptions'], ['orders']],
    onSuccess: () => setOpen(false),
  });
  if (!can('subscriptions.write') || sub.status === 'CANCELLED') return null;
  const who = sub.customer?.email ?? shortId(sub.customerId);
  return (
    <>
      <Button variant="light" color="red" leftSection={<IconBan size={16} />} onClick={() => setOpen(true)}>
        Cancel subscription
      </Button>
      {open && (
        <FormModal
          opened
          onClose={() => setOpen(false)}
          title={`Cancel ${sub.plan?.name ?? 'subscription'} for ${who}?`}
          onSubmit={form.handleSubmit((v) => mutation.mutate(v))}
          submitting={mutation.isPending}
          submitLabel="Cancel subscription"
          error={formError}
        >
          <Radio.Group
            label="When"
            value={at.field.value ? 'end' : 'now'}
            onChange={(v) => at.field.onChange(v === 'end')}
          >
            <Stack gap="xs" mt={6}>
              <Radio value="end" label={`At the end of the period (${date(sub.currentPeriodEnd)})`} />
              <Radio value="now" label="Now" />
            </Stack>
          </Radio.Group>
          <TextareaField control={form.control} name="reason" label="Reason" autosize minRows={2} />
        </FormModal>
      )}
    </>
  );
}

export function SubscriptionPage() {
  const { id } = useParams();
  const query = useDetail<SubscriptionDetail>('subscriptions', '/subscriptions', id);
  return (
    <DetailPage
      query={query}
      noun="subscription"
      back={{ to: '/subscriptions', label: 'Subscriptions' }}
      title={(s) => `${s.plan?.name ?? 'Subscription'} · ${s.customer?.email ?? shortId(s.customerId)}`}
      badges={(s) => (
        <>
          <StatusBadge status={s.status} size="lg" />
          {s.cancelAtPeriodEnd && <StatusBadge status="PENDING" size="lg">Ends at period end</StatusBadge>}
        </>
      )}
      actions={(s) => <CancelSubscription sub={s} />}
    >
      {(s) => (
        <>
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <Fields
            title="Subscription"
            rows={[
              ['Id', <IdTag id={s.id} />],
              ['Customer', <RecordLink to={`/customers/${s.customerId}`}>{s.customer?.email ?? shortId(s.customerId)}</RecordLink>],
              ['Plan', <RecordLink to={`/plans/${s.planId}`}>{s.plan?.name ?? shortId(s.planId)}</RecordLink>],
              ['Domain', s.domainId ? <RecordLink to={`/domains/${s.domainId}`} mono>{s.domain?.name ?? shortId(s.domainId)}</RecordLink> : '—'],
              ['Order', s.orderId ? <RecordLink to={`/orders/${s.orderId}`} mono>{shortId(s.orderId)}</RecordLink> : '—'],
            ]}
          />
          <Fields
            title="Billing period"
            rows={[
              ['Started', dateTime(s.startedAt)],
              ['Current period', `${date(s.currentPeriodStart)} – ${date(s.currentPeriodEnd)}`],
              ['Cancel at period end', s.cancelAtPeriodEnd ? 'Yes' : 'No'],
              ['Cancelled', s.cancelledAt ? dateTime(s.cancelledAt) : '—'],
              ['Updated', <When at={s.updatedAt} />],
            ]}
          />
          {s.status === 'PAST_DUE' && <Text c="orange">Payment is overdue.</Text>}
        </SimpleGrid>
        <Section title="Orders">
          <DataTable
            aria-label="Orders of this subscription"
            withTableBorder={false}
            minHeight={s.orders.length ? undefined : 120}
            records={s.orders}
            noRecordsText="No orders"
            columns={[
              { accessor: 'createdAt', title: 'Placed', render: (o) => dateTime(o.createdAt) },
              { accessor: 'id', title: 'Order', render: (o) => <RecordLink to={`/orders/${o.id}`} mono>{shortId(o.id)}</RecordLink> },
              { accessor: 'totalAmountCents', title: 'Total', textAlign: 'right', render: (o) => money(o.totalAmountCents, o.currency) },
              { accessor: 'status', render: (o) => <StatusBadge status={o.status} /> },
            ]}
          />
        </Section>
        </>
      )}
    </DetailPage>
  );
}
