import { useState } from 'react';
import { useParams } from 'react-router';
import { Badge, Group, SimpleGrid, Text } from '@mantine/core';
import { IconStar, IconTrash } from '@tabler/icons-react';
import type { DataTableColumn } from 'mantine-datatable';
import { BillingCycle, type PlanRow, type ProductRow, planListQuery } from '@/api/contracts';
import { useApi } from '@/auth/AuthProvider';
import { EditButton, IdTag, Mono, NewButton, RecordLink, RowActions, useOptions, When } from '@/components/common';
import { ConfirmAction } from '@/components/ConfirmAction';
import { DetailPage, useDetail } from '@/components/DetailPage';
import { Fields } from '@/components/Fields';
import { PageHeader } from '@/components/PageHeader';
import { ResourceList } from '@/components/ResourceList';
import { ActiveBadge } from '@/components/StatusBadge';
import { useResourceList } from '@/components/useResourceList';
import { humanize, money, dateTime } from '@/lib/format';
import { LIMITS, PlanForm } from './PlanForm';

const FILTERS = ['productId', 'billingCycle', 'isActive'] as const;

function PlanRowActions({ plan, onEdit }: { plan: PlanRow; onEdit: () => void }) {
  const api = useApi();
  return (
    <RowActions>
      <EditButton permission="plans.write" label={`Edit ${plan.name}`} onClick={onEdit} iconOnly />
      <ConfirmAction
        permission="plans.write"
        label="Delete"
        target={plan.slug}
        destructive
        iconOnly
        icon={<IconTrash size={16} />}
        message="The plan disappears from the website. Existing subscriptions keep it; a plan with orders cannot be deleted — switch it off sale instead."
        run={() => api.delete(`/plans/${plan.id}`)}
        invalidate={[['plans']]}
      />
    </RowActions>
  );
}

export function PlansPage() {
  const [editing, setEditing] = useState<PlanRow | null>(null);
  const [creating, setCreating] = useState(false);
  const products = useOptions<ProductRow>('products', '/products', (p) => p.name);
  const list = useResourceList<PlanRow, typeof planListQuery>({ key: 'plans', path: '/plans', defaultSort: 'sortOrder', defaultOrder: 'asc', filters: FILTERS });

  const columns: DataTableColumn<PlanRow>[] = [
    {
      accessor: 'name',
      title: 'Plan',
      sortable: true,
      render: (p) => (
        <Group gap={6} wrap="nowrap">
          <RecordLink to={`/plans/${p.id}`}>{p.name}</RecordLink>
          {p.isPopular && <IconStar size={14} color="var(--mantine-color-yellow-6)" aria-label="Popular" />}
        </Group>
      ),
    },
    { accessor: 'slug', sortable: true, render: (p) => <Mono dimmed>{p.slug}</Mono> },
    { accessor: 'product', title: 'Product', render: (p) => p.product?.name ?? products.rows.find((x) => x.id === p.productId)?.name ?? '—' },
    { accessor: 'billingCycle', title: 'Cycle', render: (p) => humanize(p.billingCycle) },
    { accessor: 'priceMonthlyCents', title: 'Monthly', textAlign: 'right', sortable: true, render: (p) => money(p.priceMonthlyCents, p.currency) },
    { accessor: 'priceYearlyCents', title: 'Yearly', textAlign: 'right', render: (p) => money(p.priceYearlyCents, p.currency) },
    { accessor: 'isActive', title: 'Status', render: (p) => <ActiveBadge active={p.isActive} /> },
    { accessor: 'actions', title: '', textAlign: 'right', width: 90, render: (p) => <PlanRowActions plan={p} onEdit={() => setEditing(p)} /> },
  ];

  return (
    <>
      <PageHeader title="Plans" description="Prices and limits of what the website sells" actions={<NewButton permission="plans.write" label="New plan" onClick={() => setCreating(true)} />} />
      <ResourceList
        list={list}
        noun="plans"
        columns={columns}
        search="Search name or slug"
        rowHref={(p) => `/plans/${p.id}`}
        filters={[
          { name: 'productId', label: 'Product', type: 'select', options: products.options },
          { name: 'billingCycle', label: 'Cycle', type: 'select', options: Object.values(BillingCycle) },
          { name: 'isActive', label: 'Status', type: 'select', options: [{ value: 'true', label: 'On sale' }, { value: 'false', label: 'Off sale' }] },
        ]}
      />
      {creating && <PlanForm opened onClose={() => setCreating(false)} />}
      {editing && <PlanForm opened plan={editing} onClose={() => setEditing(null)} />}
    </>
  );
}

export function PlanPage() {
  const { id } = useParams();
  const api = useApi();
  const query = useDetail<PlanRow>('plans', '/plans', id);
  const [editing, setEditing] = useState(false);
  return (
    <DetailPage
      query={query}
      noun="plan"
      back={{ to: '/plans', label: 'Plans' }}
      title={(p) => p.name}
      badges={(p) => (
        <>
          <ActiveBadge active={p.isActive} />
          {p.isPopular && <Badge color="yellow" variant="light">Popular</Badge>}
        </>
      )}
      actions={(p) => (
        <>
          <EditButton permission="plans.write" label="Edit" onClick={() => setEditing(true)} />
          <ConfirmAction
            permission="plans.write"
            label="Delete"
            target={p.slug}
            destructive
            icon={<IconTrash size={16} />}
            message="The plan disappears from the website. A plan with orders cannot be deleted — switch it off sale instead."
            run={() => api.delete(`/plans/${p.id}`)}
            invalidate={[['plans']]}
            onDone={() => history.back()}
          />
        </>
      )}
    >
      {(p) => {
        const limits = (p.limitsJson ?? {}) as Record<string, number>;
        return (
          <>
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              <Fields
                title="Plan"
                rows={[
                  ['Slug', <Mono>{p.slug}</Mono>],
                  ['Product', p.product ? <RecordLink to={`/products/${p.product.id}`}>{p.product.name}</RecordLink> : <IdTag id={p.productId} />],
                  ['Billing cycle', humanize(p.billingCycle)],
                  ['Charged per period', money(p.billingCycle === BillingCycle.YEARLY ? p.priceYearlyCents : p.priceMonthlyCents, p.currency)],
                  ['Monthly price', money(p.priceMonthlyCents, p.currency)],
                  ['Yearly price', money(p.priceYearlyCents, p.currency)],
                  ['Created', dateTime(p.createdAt)],
                  ['Updated', <When at={p.updatedAt} />],
                ]}
              />
              <Fields
                title="Limits"
                rows={LIMITS.filter(([k]) => limits[k] !== undefined).map(([k, label]) => [label, String(limits[k])])}
              />
            </SimpleGrid>
            {!Object.keys(limits).length && (
              <Text size="sm" c="dimmed">
                This plan has no limits set.
              </Text>
            )}
            {editing && <PlanForm opened plan={p} onClose={() => setEditing(false)} />}
          </>
        );
      }}
    </DetailPage>
  );
}
