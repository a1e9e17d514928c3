import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { SimpleGrid, Tabs } from '@mantine/core';
import { DataTable, type DataTableColumn } from 'mantine-datatable';
import { customerCreateBody, customerUpdateBody, type CustomerDetail, type CustomerRow, type OrderRow, customerListQuery, orderListQuery } from '@/api/contracts';
import { useApi } from '@/auth/AuthProvider';
import { EditButton, IdTag, Mono, NewButton, RecordLink, When } from '@/components/common';
import { DetailPage, useDetail } from '@/components/DetailPage';
import { Fields } from '@/components/Fields';
import { PageHeader } from '@/components/PageHeader';
import { ResourceList } from '@/components/ResourceList';
import { ActiveBadge, StatusBadge } from '@/components/StatusBadge';
import { useResourceList } from '@/components/useResourceList';
import { FormModal, SwitchField, TextField, useFormMutation, useZodForm } from '@/lib/forms';
import { dateTime, money, shortId } from '@/lib/format';
import { SubscriptionList } from '@/features/subscriptions';

function CustomerForm({ customer, onClose }: { customer?: CustomerRow; onClose: () => void }) {
  const api = useApi();
  const navigate = useNavigate();
  const form = useZodForm((customer ? customerUpdateBody : customerCreateBody) as typeof customerCreateBody, {
    defaultValues: customer
      ? { email: customer.email, fullName: customer.fullName, phone: customer.phone, stripeCustomerId: customer.stripeCustomerId, isActive: customer.isActive }
      : { isActive: true },
  });
  const { mutation, formError } = useFormMutation(
    form,
    (body: unknown) => (customer ? api.patch<CustomerRow>(`/customers/${customer.id}`, body) : api.post<CustomerRow>('/customers', body)),
    {
      invalidate: [['customers']],
      onSuccess: (saved) => {
        onClose();
        if (!customer && saved?.id) navigate(`/customers/${saved.id}`);
      },
    },
  );
  return (
    <FormModal
      opened
      onClose={onClose}
      title={customer ? `Edit ${customer.email}` : 'New customer'}
      onSubmit={form.handleSubmit((v) => mutation.mutate(v))}
      submitting={mutation.isPending}
      submitLabel={customer ? 'Save changes' : 'Create customer'}
      error={formError}
    >
      <TextField control={form.control} name="email" label="Email" type="email" required data-autofocus />
      <TextField control={form.control} name="fullName" label="Full name" nullable={!!customer} />
      <TextField control={form.control} name="phone" label="Phone" nullable={!!customer} />
      <TextField control={form.control} name="stripeCustomerId" label="Stripe customer id" placeholder="cus_…" nullable={!!customer} />
      <SwitchField control={form.control} name="isActive" label="Active" />
    </FormModal>
  );
}

export function CustomersPage() {
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<CustomerRow | null>(null);
  const list = useResourceList<CustomerRow, typeof customerListQuery>({ key: 'customers', path: '/customers', defaultSort: 'createdAt', filters: ['isActive'] });
  const columns: DataTableColumn<CustomerRow>[] = [
    { accessor: 'email', sortable: true, render: (c) => <RecordLink to={`/customers/${c.id}`}>{c.email}</RecordLink> },
    { accessor: 'fullName', title: 'Name', sortable: true, render: (c) => c.fullName ?? '—' },
    { accessor: 'phone', visibleMediaQuery: '(min-width: 62em)', render: (c) => c.phone ?? '—' },
    { accessor: 'orders', title: 'Orders', textAlign: 'right', render: (c) => c._count?.orders ?? '—' },
    { accessor: 'isActive', title: 'Status', render: (c) => <ActiveBadge active={c.isActive} /> },
    { accessor: 'createdAt', title: 'Since', sortable: true, render: (c) => <When at={c.createdAt} /> },
    { accessor: 'actions', title: '', textAlign: 'right', render: (c) => <EditButton permission="customers.write" label={`Edit ${c.email}`} onClick={() => setEditing(c)} iconOnly /> },
  ];
  return (
    <>
      <PageHeader title="Customers" description="People and companies who buy from the website or from staff" actions={<NewButton permission="customers.write" label="New customer" onClick={() => setCreating(true)} />} />
      <ResourceList
        list={list}
        noun="customers"
        columns={columns}
        search="Email, name or phone"
        rowHref={(c) => `/customers/${c.id}`}
        filters={[{ name: 'isActive', label: 'Status', type: 'select', options: [{ value: 'true', label: 'Active' }, { value: 'false', label: 'Inactive' }] }]}
      />
      {creating && <CustomerForm onClose={() => setCreating(false)} />}
      {editing && <CustomerForm customer={editing} onClose={() => setEditing(null)} />}
    </>
  );
}

function CustomerOrders({ customerId }: { customerId: string }) {
  const list = useResourceList<OrderRow, typeof orderListQuery>({ key: 'orders', path: '/orders', defaultSort: 'createdAt', fixed: { customerId }, urlPrefix: 'orders.' });
  return (
    <ResourceList
      list={list}
      noun="orders"
      search={false}
      rowHref={(o) => `/orders/${o.id}`}
      columns={[
        { accessor: 'createdAt', title: 'Placed', render: (o) => <When at={o.createdAt} /> },
        { accessor: 'id', title: 'Order', render: (o) => <RecordLink to={`/orders/${o.id}`} mono>{shortId(o.id)}</RecordLink> },
        { accessor: 'plan', render: (o) => o.plan.name },
        { accessor: 'totalAmountCents', title: 'Total', textAlign: 'right', render: (o) => money(o.totalAmountCents, o.currency) },
        { accessor: 'status', render: (o) => <StatusBadge status={o.status} /> },
      ]}
    />
  );
}

export function CustomerPage() {
  const { id } = useParams();
  const query = useDetail<CustomerDetail>('customers', '/customers', id);
  const [editing, setEditing] = useState(false);
  return (
    <DetailPage
      query={query}
      noun="customer"
      back={{ to: '/customers', label: 'Customers' }}
      title={(c) => c.fullName ?? c.email}
      description={(c) => (c.fullName ? c.email : undefined)}
      badges={(c) => <ActiveBadge active={c.isActive} />}
      actions={() => <EditButton permission="customers.write" label="Edit" onClick={() => setEditing(true)} />}
    >
      {(c) => (
        <>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <Fields
              title="Customer"
              rows={[
                ['Id', <IdTag id={c.id} />],
                ['Email', c.email],
                ['Name', c.fullName],
                ['Phone', c.phone],
                c.stripeCustomerId && ['Stripe customer', <Mono>{c.stripeCustomerId}</Mono>],
                ['Since', dateTime(c.createdAt)],
                ['Orders / subscriptions / domains', `${c._count.orders} / ${c._count.subscriptions} / ${c._count.domains}`],
              ]}
            />
          </SimpleGrid>
          <Tabs defaultValue="orders" keepMounted={false}>
            <Tabs.List>
              <Tabs.Tab value="orders">Orders</Tabs.Tab>
              <Tabs.Tab value="subscriptions">Subscriptions</Tabs.Tab>
              <Tabs.Tab value="domains">Domains</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="orders" pt="md">
              <CustomerOrders customerId={c.id} />
            </Tabs.Panel>
            <Tabs.Panel value="subscriptions" pt="md">
              <SubscriptionList fixed={{ customerId: c.id }} urlPrefix="subs." search={false} />
            </Tabs.Panel>
            <Tabs.Panel value="domains" pt="md">
              <DataTable
                aria-label="Domains of this customer"
                withTableBorder
                borderRadius="md"
                minHeight={c.domains.length ? undefined : 120}
                records={c.domains}
                noRecordsText="No domains"
                columns={[
                  { accessor: 'name', render: (d) => <RecordLink to={`/domains/${d.id}`} mono>{d.name}</RecordLink> },
                  { accessor: 'status', render: (d) => <StatusBadge status={d.status} /> },
                  { accessor: 'createdAt', title: 'Added', render: (d) => <When at={d.createdAt} /> },
                ]}
              />
            </Tabs.Panel>
          </Tabs>
          {editing && <CustomerForm customer={c} onClose={() => setEditing(false)} />}
        </>
      )}
    </DetailPage>
  );
}
