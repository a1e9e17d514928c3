import { useState } from 'react';
import { Group } from '@mantine/core';
import { IconPlayerPause, IconPlayerPlay } from '@tabler/icons-react';
import type { DataTableColumn } from 'mantine-datatable';
import { tenantCreateBody, tenantUpdateBody, type TenantRow, tenantListQuery } from '@/api/contracts';
import { useApi } from '@/auth/AuthProvider';
import { EditButton, Mono, NewButton, RowActions, When } from '@/components/common';
import { ConfirmAction } from '@/components/ConfirmAction';
import { PageHeader } from '@/components/PageHeader';
import { ResourceList } from '@/components/ResourceList';
import { ActiveBadge } from '@/components/StatusBadge';
import { useResourceList } from '@/components/useResourceList';
import { FormModal, TextField, useFormMutation, useZodForm } from '@/lib/forms';
import { slugify } from '@/features/plans/PlanForm';
import { useEffect } from 'react';

function TenantForm({ tenant, onClose }: { tenant?: TenantRow; onClose: () => void }) {
  const api = useApi();
  const form = useZodForm(tenant ? tenantUpdateBody : tenantCreateBody, {
    defaultValues: tenant ? { name: tenant.name, slug: tenant.slug } : { name: '', slug: '' },
  });
  const { mutation, formError } = useFormMutation(
    form,
    (body: unknown) => (tenant ? api.patch(`/tenants/${tenant.id}`, body) : api.post('/tenants', body)),
    { invalidate: [['tenants']], onSuccess: onClose },
  );
  const name = form.watch('name');
  useEffect(() => {
    if (!tenant && !form.getFieldState('slug').isDirty && name) form.setValue('slug', slugify(name));
  }, [name, tenant, form]);
  return (
    <FormModal
      opened
      onClose={onClose}
      title={tenant ? `Edit ${tenant.name}` : 'New tenant'}
      onSubmit={form.handleSubmit((v) => mutation.mutate(v))}
      submitting={mutation.isPending}
      submitLabel={tenant ? 'Save changes' : 'Create tenant'}
      error={formError}
    >
      <TextField control={form.control} name="name" label="Name" required data-autofocus />
      <TextField control={form.control} name="slug" label="Slug" description="Names the tenant in order intake and the public catalog" required />
    </FormModal>
  );
}

export function TenantsPage() {
  const api = useApi();
  const [editing, setEditing] = useState<TenantRow | null>(null);
  const [creating, setCreating] = useState(false);
  const list = useResourceList<TenantRow, typeof tenantListQuery>({ key: 'tenants', path: '/tenants', defaultSort: 'name', defaultOrder: 'asc', filters: ['isActive'] });
  const columns: DataTableColumn<TenantRow>[] = [
    { accessor: 'name', sortable: true, render: (t) => <strong>{t.name}</strong> },
    { accessor: 'slug', sortable: true, render: (t) => <Mono dimmed>{t.slug}</Mono> },
    { accessor: 'users', title: 'Users', textAlign: 'right', render: (t) => t._count?.users ?? '—' },
    { accessor: 'customers', title: 'Customers', textAlign: 'right', render: (t) => t._count?.customers ?? '—' },
    { accessor: 'domains', title: 'Domains', textAlign: 'right', render: (t) => t._count?.domains ?? '—' },
    { accessor: 'isActive', title: 'Status', render: (t) => <ActiveBadge active={t.isActive} /> },
    { accessor: 'createdAt', title: 'Created', sortable: true, render: (t) => <When at={t.createdAt} /> },
    {
      accessor: 'actions',
      title: '',
      textAlign: 'right',
      render: (t) => (
        <RowActions>
          <EditButton permission="tenants.write" label={`Edit ${t.name}`} onClick={() => setEditing(t)} iconOnly />
          {t.isActive ? (
            <ConfirmAction
              permission="tenants.write"
              label="Deactivate"
              target={t.slug}
              destructive
              iconOnly
              icon={<IconPlayerPause size={16} />}
              message="Its staff can no longer sign in and its public catalog empties. Nothing is deleted; you can reactivate it."
              run={() => api.post(`/tenants/${t.id}/deactivate`)}
              invalidate={[['tenants']]}
            />
          ) : (
            <ConfirmAction
              permission="tenants.write"
              label="Activate"
              target={t.slug}
              iconOnly
              color="teal"
              icon={<IconPlayerPlay size={16} />}
              message="Its staff can sign in again and its catalog is public again."
              run={() => api.post(`/tenants/${t.id}/activate`)}
              invalidate={[['tenants']]}
            />
          )}
        </RowActions>
      ),
    },
  ];
  return (
    <>
      <PageHeader
        title="Tenants"
        description="Brands run on this platform; each has its own staff, catalog and customers"
        actions={<Group><NewButton permission="tenants.write" label="New tenant" onClick={() => setCreating(true)} /></Group>}
      />
      <ResourceList
        list={list}
        noun="tenants"
        columns={columns}
        search="Search name or slug"
        filters={[{ name: 'isActive', label: 'Status', type: 'select', options: [{ value: 'true', label: 'Active' }, { value: 'false', label: 'Inactive' }] }]}
      />
      {creating && <TenantForm onClose={() => setCreating(false)} />}
      {editing && <TenantForm tenant={editing} onClose={() => setEditing(null)} />}
    </>
  );
}
