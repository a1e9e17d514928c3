import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { SimpleGrid, Text } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import type { DataTableColumn } from 'mantine-datatable';
import { productCreateBody, productUpdateBody, ProductType, type PlanRow, type ProductRow, productListQuery, planListQuery } from '@/api/contracts';
import { useApi } from '@/auth/AuthProvider';
import { EditButton, Mono, NewButton, RecordLink, RowActions, When } from '@/components/common';
import { ConfirmAction } from '@/components/ConfirmAction';
import { DetailPage, useDetail } from '@/components/DetailPage';
import { Fields, Section } from '@/components/Fields';
import { PageHeader } from '@/components/PageHeader';
import { ResourceList } from '@/components/ResourceList';
import { ActiveBadge } from '@/components/StatusBadge';
import { useResourceList } from '@/components/useResourceList';
import { FormModal, SelectField, SwitchField, TextareaField, TextField, useFormMutation, useZodForm } from '@/lib/forms';
import { dateTime, humanize, money } from '@/lib/format';
import { slugify } from '@/features/plans/PlanForm';

function ProductForm({ product, onClose }: { product?: ProductRow; onClose: () => void }) {
  const api = useApi();
  const navigate = useNavigate();
  const form = useZodForm((product ? productUpdateBody : productCreateBody) as typeof productCreateBody, {
    defaultValues: product
      ? { name: product.name, slug: product.slug, type: product.type, description: product.description ?? undefined, isActive: product.isActive }
      : { type: 'SHARED_HOSTING', isActive: true },
  });
  const { mutation, formError } = useFormMutation(
    form,
    (body: unknown) => (product ? api.patch<ProductRow>(`/products/${product.id}`, body) : api.post<ProductRow>('/products', body)),
    {
      invalidate: [['products'], ['plans']],
      onSuccess: (saved) => {
        onClose();
        if (!product && saved?.id) navigate(`/products/${saved.id}`);
      },
    },
  );
  const name = form.watch('name');
  useEffect(() => {
    if (!product && !form.getFieldState('slug').isDirty && name) form.setValue('slug', slugify(name));
  }, [name, product, form]);
  return (
    <FormModal
      opened
      onClose={onClose}
      title={product ? `Edit ${product.name}` : 'New product'}
      onSubmit={form.handleSubmit((v) => mutation.mutate(v))}
      submitting={mutation.isPending}
      submitLabel={product ? 'Save changes' : 'Create product'}
      error={formError}
    >
      <TextField control={form.control} name="name" label="Name" required data-autofocus />
      <TextField control={form.control} name="slug" label="Slug" required />
      <SelectField
        control={form.control}
        name="type"
        label="Type"
        description="Decides what an order provisions"
        data={Object.values(ProductType).map((t) => ({ value: t, label: humanize(t) }))}
        allowDeselect={false}
        required
      />
      <TextareaField control={form.control} name="description" label="Description" autosize minRows={2} nullable={!!product} />
      <SwitchField control={form.control} name="isActive" label="On sale" />
    </FormModal>
  );
}

export function ProductsPage() {
  const api = useApi();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<ProductRow | null>(null);
  const list = useResourceList<ProductRow, typeof productListQuery>({ key: 'products', path: '/products', defaultSort: 'name', defaultOrder: 'asc', filters: ['type', 'isActive'] });
  const columns: DataTableColumn<ProductRow>[] = [
    { accessor: 'name', sortable: true, render: (p) => <RecordLink to={`/products/${p.id}`}>{p.name}</RecordLink> },
    { accessor: 'slug', sortable: true, render: (p) => <Mono dimmed>{p.slug}</Mono> },
    { accessor: 'type', sortable: true, render: (p) => humanize(p.type) },
    { accessor: 'plans', title: 'Plans', textAlign: 'right', render: (p) => p._count?.plans ?? '—' },
    { accessor: 'isActive', title: 'Status', render: (p) => <ActiveBadge active={p.isActive} /> },
    { accessor: 'updatedAt', title: 'Updated', render: (p) => <When at={p.updatedAt} /> },
    {
      accessor: 'actions',
      title: '',
      textAlign: 'right',
      render: (p) => (
        <RowActions>
          <EditButton permission="products.write" label={`Edit ${p.name}`} onClick={() => setEditing(p)} iconOnly />
          <ConfirmAction
            permission="products.write"
            label="Delete"
            target={p.slug}
            destructive
            iconOnly
            icon={<IconTrash size={16} />}
            message="A product with plans or orders cannot be deleted — switch it off sale instead."
            run={() => api.delete(`/products/${p.id}`)}
            invalidate={[['products']]}
          />
        </RowActions>
      ),
    },
  ];
  return (
    <>
      <PageHeader title="Products" description="What the company sells; plans give each product its prices" actions={<NewButton permission="products.write" label="New product" onClick={() => setCreating(true)} />} />
      <ResourceList
        list={list}
        noun="products"
        columns={columns}
        search="Search name or slug"
        rowHref={(p) => `/products/${p.id}`}
        filters={[
          { name: 'type', label: 'Type', type: 'select', options: Object.values(ProductType) },
          { name: 'isActive', label: 'Status', type: 'select', options: [{ value: 'true', label: 'On sale' }, { value: 'false', label: 'Off sale' }] },
        ]}
      />
      {creating && <ProductForm onClose={() => setCreating(false)} />}
      {editing && <ProductForm product={editing} onClose={() => setEditing(null)} />}
    </>
  );
}

function ProductPlans({ productId }: { productId: string }) {
  const list = useResourceList<PlanRow, typeof planListQuery>({ key: 'plans', path: '/plans', defaultSort: 'sortOrder', defaultOrder: 'asc', fixed: { productId }, urlPrefix: 'plans.' });
  return (
    <ResourceList
      list={list}
      noun="plans"
      search={false}
      rowHref={(p) => `/plans/${p.id}`}
      columns={[
        { accessor: 'name', render: (p) => <RecordLink to={`/plans/${p.id}`}>{p.name}</RecordLink> },
        { accessor: 'slug', render: (p) => <Mono dimmed>{p.slug}</Mono> },
        { accessor: 'billingCycle', title: 'Cycle', render: (p) => humanize(p.billingCycle) },
        { accessor: 'priceMonthlyCents', title: 'Monthly', textAlign: 'right', render: (p) => money(p.priceMonthlyCents, p.currency) },
        { accessor: 'isActive', title: 'Status', render: (p) => <ActiveBadge active={p.isActive} /> },
      ]}
    />
  );
}

export function ProductPage() {
  const { id } = useParams();
  const query = useDetail<ProductRow>('products', '/products', id);
  const [editing, setEditing] = useState(false);
  return (
    <DetailPage
      query={query}
      noun="product"
      back={{ to: '/products', label: 'Products' }}
      title={(p) => p.name}
      badges={(p) => <ActiveBadge active={p.isActive} />}
      actions={() => <EditButton permission="products.write" label="Edit" onClick={() => setEditing(true)} />}
    >
      {(p) => (
        <>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <Fields
              title="Product"
              rows={[
                ['Slug', <Mono>{p.slug}</Mono>],
                ['Type', humanize(p.type)],
                ['Created', dateTime(p.createdAt)],
                ['Updated', <When at={p.updatedAt} />],
              ]}
            />
            <Section title="Description">
              <Text size="sm" c={p.description ? undefined : 'dimmed'} style={{ whiteSpace: 'pre-wrap' }}>
                {p.description || 'No description.'}
              </Text>
            </Section>
          </SimpleGrid>
          <Section title="Plans">
            <ProductPlans productId={p.id} />
          </Section>
          {editing && <ProductForm product={p} onClose={() => setEditing(false)} />}
        </>
      )}
    </DetailPage>
  );
}
