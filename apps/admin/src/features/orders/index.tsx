import { useState } from 'react';
import { useParams } from 'react-router';
import { Checkbox, Group, SimpleGrid, Stack, Text, Tooltip } from '@mantine/core';
import { IconBan } from '@tabler/icons-react';
import type { DataTableColumn } from 'mantine-datatable';
import { cancelOrderBody, type OrderDetail, type OrderRow, orderListQuery } from '@/api/contracts';
import { useApi, useCan } from '@/auth/AuthProvider';
import { IdTag, Mono, NewButton, RecordLink, When } from '@/components/common';
import { DetailPage, useDetail } from '@/components/DetailPage';
import { Fields, Section } from '@/components/Fields';
import { isJobDone } from '@/components/jobs';
import { PageHeader } from '@/components/PageHeader';
import { ResourceList } from '@/components/ResourceList';
import { StatusBadge } from '@/components/StatusBadge';
import { useResourceList } from '@/components/useResourceList';
import { dayRange } from '@/lib/dates';
import { FormModal, TextareaField, useFormMutation, useZodForm } from '@/lib/forms';
import { date, dateTime, humanize, money, shortId } from '@/lib/format';
import { Button } from '@mantine/core';
import { useController } from 'react-hook-form';
import { JobCard } from './JobCard';
import { ManualOrderForm } from './ManualOrderForm';

const STATUSES = ['PENDING', 'PAID', 'FAILED', 'CANCELLED', 'REFUNDED'];

export function JobDots({ jobs }: { jobs: Array<{ id: string; type: string; status: string }> }) {
  if (!jobs.length) return <Text size="sm" c="dimmed">—</Text>;
  return (
    <Group gap={4}>
      {jobs.map((j) => (
        <Tooltip key={j.id} label={`${humanize(j.type)}: ${humanize(j.status)}`} withArrow>
          <span>
            <StatusBadge status={j.status} size="sm" variant="dot">
              {j.type.replace(/^PROVISION_/, '').replace(/_/g, ' ')}
            </StatusBadge>
          </span>
        </Tooltip>
      ))}
    </Group>
  );
}

export function OrdersPage() {
  const [creating, setCreating] = useState(false);
  const list = useResourceList<OrderRow, typeof orderListQuery>({
    key: 'orders',
    path: '/orders',
    defaultSort: 'createdAt',
    filters: ['status', 'customerId', 'planId', 'from', 'to'],
    mapQuery: dayRange,
    refetchInterval: (rows) => ((rows as OrderRow[]).some((o) => o.jobs.some((j) => !isJobDone(j.status))) ? 3000 : false),
  });
  const columns: DataTableColumn<OrderRow>[] = [
    { accessor: 'createdAt', title: 'Placed', sortable: true, noWrap: true, render: (o) => <When at={o.createdAt} /> },
    {
      accessor: 'customer',
      title: 'Order for',
      render: (o) => (
        <Stack gap={0}>
          <RecordLink to={`/orders/${o.id}`}>{o.customer.fullName ?? o.customer.email}</RecordLink>
          {o.customer.fullName && <Text size="xs" c="dimmed">{o.customer.email}</Text>}
        </Stack>
      ),
    },
    { accessor: 'id', title: 'Order id', noWrap: true, visibleMediaQuery: '(min-width: 75em)', render: (o) => <Mono dimmed>{shortId(o.id)}</Mono> },
    { accessor: 'plan', render: (o) => o.plan.name },
    { accessor: 'domain', visibleMediaQuery: '(min-width: 62em)', render: (o) => (o.domain ? <Mono>{o.domain.name}</Mono> : '—') },
    { accessor: 'totalAmountCents', title: 'Total', textAlign: 'right', sortable: true, render: (o) => money(o.totalAmountCents, o.currency) },
    { accessor: 'status', sortable: true, render: (o) => <StatusBadge status={o.status} /> },
    { accessor: 'jobs', title: 'Provisioning', visibleMediaQuery: '(min-width: 75em)', render: (o) => <JobDots jobs={o.jobs} /> },
  ];
  return (
    <>
      <PageHeader title="Orders" description="Paid orders from the website and entered by staff" actions={<NewButton permission="orders.write" label="New order" onClick={() => setCreating(true)} />} />
      <ResourceList
        list={list}
        noun="orders"
        columns={columns}
        search="Customer email, domain, payment id"
        rowHref={(o) => `/orders/${o.id}`}
        filters={[
          { name: 'status', label: 'Status', type: 'select', options: STATUSES },
          { name: 'from', label: 'From', type: 'date' },
          { name: 'to', label: 'To', type: 'date' },
        ]}
      />
      {creating && <ManualOrderForm onClose={() => setCreating(false)} />}
    </>
  );
}

function CancelOrder({ order }: { order: OrderDetail }) {
  const api = useApi();
  const can = useCan();
  const [open, setOpen] = useState(false);
  const form = useZodForm(cancelOrderBody, { defaultValues: { cancelSubscription: true } });
  const { mutation, formError } = useFormMutation(form, (body: unknown) => api.post(`/orders/${order.id}/cancel`, body), {
    invalidate: [['orders'], ['subscriptions'], ['jobs']],
    onSuccess: () => setOpen(false),
  });
  const sub = useController({ control: form.control, name: 'cancelSubscription' });
  if (!can('orders.write') || order.status === 'CANCELLED' || order.status === 'REFUNDED') return null;
  return (
    <>
      <Button variant="light" color="red" leftSection={<IconBan size={16} />} onClick={() => setOpen(true)}>
        Cancel order
      </Button>
      {open && (
        <FormModal
          opened
          onClose={() => setOpen(false)}
          title={`Cancel order ${shortId(order.id)} for ${order.customer.email}?`}
          onSubmit={form.handleSubmit((v) => mutation.mutate(v))}
          submitting={mutation.isPending}
          submitLabel="Cancel order"
          error={formError}
        >
          <Text size="sm">Jobs that have not run yet are dropped. Work already done (zone, hosting account) is not undone.</Text>
          <TextareaField control={form.control} name="reason" label="Reason" autosize minRows={2} data-autofocus />
          <Checkbox
            label="Also cancel the subscription now"
            checked={Boolean(sub.field.value)}
            onChange={(e) => sub.field.onChange(e.currentTarget.checked)}
          />
        </FormModal>
      )}
    </>
  );
}

export function OrderPage() {
  const { id } = useParams();
  const query = useDetail<OrderDetail>('orders', '/orders', id, (o) => (o.jobs.some((j) => !isJobDone(j.status)) ? 2000 : false));
  return (
    <DetailPage
      query={query}
      noun="order"
      back={{ to: '/orders', label: 'Orders' }}
      title={(o) => `Order ${shortId(o.id)}`}
      description={(o) => `${o.plan.name} for ${o.customer.email} · placed ${dateTime(o.createdAt)}`}
      badges={(o) => <StatusBadge status={o.status} size="lg" />}
      actions={(o) => <CancelOrder order={o} />}
    >
      {(o) => {
        const meta = (o.metadata ?? {}) as { source?: string; phpVersion?: string };
        return (
          <>
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              <Fields
                title="Order"
                rows={[
                  ['Id', <IdTag id={o.id} />],
                  ['Customer', <RecordLink to={`/customers/${o.customer.id}`}>{o.customer.fullName ? `${o.customer.fullName} <${o.customer.email}>` : o.customer.email}</RecordLink>],
                  ['Plan', <RecordLink to={`/plans/${o.plan.id}`}>{o.plan.name}</RecordLink>],
                  ['Total', money(o.totalAmountCents, o.currency)],
                  ['Source', humanize(meta.source ?? 'internal')],
                  o.stripePaymentIntentId && ['Stripe payment', <Mono>{o.stripePaymentIntentId}</Mono>],
                  o.externalOrderId && ['External id', <Mono>{o.externalOrderId}</Mono>],
                  meta.phpVersion && ['PHP version', meta.phpVersion],
                  o.notes && ['Notes', <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>{o.notes}</Text>],
                ]}
              />
              <Stack gap="md">
                <Fields
                  title="Subscription"
                  rows={
                    o.subscription
                      ? [
                          ['Status', <StatusBadge status={o.subscription.status} />],
                          ['Current period', `${date(o.subscription.currentPeriodStart)} – ${date(o.subscription.currentPeriodEnd)}`],
                          o.subscription.cancelAtPeriodEnd && ['Ends', `at period end (${date(o.subscription.currentPeriodEnd)})`],
                          ['Open', <RecordLink to={`/subscriptions/${o.subscription.id}`}>Subscription {shortId(o.subscription.id)}</RecordLink>],
                        ]
                      : [['Subscription', 'None']]
                  }
                />
                <Fields
                  title="Domain"
                  rows={
                    o.domain
                      ? [
                          ['Name', <RecordLink to={`/domains/${o.domain.id}`} mono>{o.domain.name}</RecordLink>],
                          ['Status', <StatusBadge status={o.domain.status} />],
                          ['Auto DNS / mail', `${o.domain.autoDns ? 'yes' : 'no'} / ${o.domain.autoMail ? 'yes' : 'no'}`],
                        ]
                      : [['Domain', 'None (VPS or no domain)']]
                  }
                />
              </Stack>
            </SimpleGrid>
            <Section title={`Provisioning jobs (${o.jobs.length})`}>
              {o.jobs.length ? (
                <SimpleGrid cols={{ base: 1, lg: 2 }}>
                  {o.jobs.map((j) => (
                    <JobCard key={j.id} job={j} invalidate={[['orders']]} />
                  ))}
                </SimpleGrid>
              ) : (
                <Text size="sm" c="dimmed">
                  This order started no jobs.
                </Text>
              )}
            </Section>
          </>
        );
      }}
    </DetailPage>
  );
}
