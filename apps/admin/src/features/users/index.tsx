import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { Button, Code, SimpleGrid, Text } from '@mantine/core';
import { OneTimeSecret } from '@/components/OneTimeSecret';
import { IconKey, IconShieldCog, IconUserCheck, IconUserOff } from '@tabler/icons-react';
import type { DataTableColumn } from 'mantine-datatable';
import { canAssignRole, ROLES, userCreateBody, userPasswordBody, userRoleBody, userUpdateBody, type AuditRow, type UserRow, type UserWithPassword, userListQuery, auditListQuery } from '@/api/contracts';
import { ConfirmAction } from '@/components/ConfirmAction';
import { useApi, useAuth } from '@/auth/AuthProvider';
import { EditButton, IdTag, NewButton, RecordLink, RowActions, When } from '@/components/common';
import { DetailPage, useDetail } from '@/components/DetailPage';
import { Fields, Section } from '@/components/Fields';
import { PageHeader } from '@/components/PageHeader';
import { ResourceList } from '@/components/ResourceList';
import { ActiveBadge, StatusBadge } from '@/components/StatusBadge';
import { useResourceList } from '@/components/useResourceList';
import { FormModal, PasswordField, SelectField, TextField, useFormMutation, useZodForm } from '@/lib/forms';
import { dateTime, humanize } from '@/lib/format';

function useAssignableRoles() {
  const { me } = useAuth();
  return ROLES.filter((r) => me && canAssignRole(me.user.role, r)).map((r) => ({ value: r, label: humanize(r) }));
}

function UserForm({ user, onClose }: { user?: UserRow; onClose: () => void }) {
  const api = useApi();
  const navigate = useNavigate();
  const roles = useAssignableRoles();
  const [secret, setSecret] = useState<{ email: string; password: string } | null>(null);
  const form = useZodForm((user ? userUpdateBody : userCreateBody) as typeof userCreateBody, {
    defaultValues: user ? { email: user.email, displayName: user.displayName } : { role: 'READ_ONLY' },
  });
  const { mutation, formError } = useFormMutation(
    form,
    async (body: unknown): Promise<{ id: string; password?: string }> => {
      if (user) return { id: (await api.patch<UserRow>(`/users/${user.id}`, body)).id };
      const created = await api.post<UserWithPassword>('/users', body);
      return { id: created.user.id, password: created.password };
    },
    {
      invalidate: [['users']],
      onSuccess: (saved) => {
        if (saved.password) setSecret({ email: form.getValues('email'), password: saved.password });
        else onClose();
        if (!user) navigate(`/users/${saved.id}`);
      },
    },
  );
  if (secret) return <OneTimeSecret title={`Password for ${secret.email}`} secret={secret.password} onClose={onClose} />;
  return (
    <FormModal
      opened
      onClose={onClose}
      title={user ? `Edit ${user.displayName}` : 'New staff user'}
      onSubmit={form.handleSubmit((v) => mutation.mutate(v))}
      submitting={mutation.isPending}
      submitLabel={user ? 'Save changes' : 'Create user'}
      error={formError}
    >
      <TextField control={form.control} name="displayName" label="Display name" required data-autofocus />
      <TextField control={form.control} name="email" label="Email" type="email" required />
      {!user && (
        <>
          <SelectField control={form.control} name="role" label="Role" data={roles} allowDeselect={false} required description="Decides what the user may see and do" />
          <PasswordField control={form.control} name="password" label="Initial password" description="At least 10 characters. Leave empty to generate one (shown once)." autoComplete="new-password" />
        </>
      )}
    </FormModal>
  );
}

function RoleForm({ user, onClose }: { user: UserRow; onClose: () => void }) {
  const api = useApi();
  const roles = useAssignableRoles();
  const form = useZodForm(userRoleBody, { defaultValues: { role: user.role } });
  const { mutation, formError } = useFormMutation(form, (body: unknown) => api.patch(`/users/${user.id}/role`, body), { invalidate: [['users']], onSuccess: onClose });
  return (
    <FormModal opened onClose={onClose} title={`Change the role of ${user.displayName}`} onSubmit={form.handleSubmit((v) => mutation.mutate(v))} submitting={mutation.isPending} submitLabel="Change role" error={formError}>
      <SelectField control={form.control} name="role" label="Role" data={roles} allowDeselect={false} required data-autofocus />
    </FormModal>
  );
}

function Activation({ user, iconOnly }: { user: UserRow; iconOnly?: boolean }) {
  const api = useApi();
  const { me } = useAuth();
  if (me?.user.id === user.id) return null;
  return user.isActive ? (
    <ConfirmAction
      permission="users.write"
      label="Deactivate"
      target={user.email}
      color="orange"
      iconOnly={iconOnly}
      icon={<IconUserOff size={16} />}
      message="The user is signed out everywhere and can no longer sign in. Their audit trail stays."
      run={() => api.post(`/users/${user.id}/deactivate`)}
      invalidate={[['users']]}
    />
  ) : (
    <ConfirmAction
      permission="users.write"
      label="Activate"
      target={user.email}
      color="teal"
      iconOnly={iconOnly}
      icon={<IconUserCheck size={16} />}
      message="The user can sign in again."
      run={() => api.post(`/users/${user.id}/activate`)}
      invalidate={[['users']]}
    />
  );
}

/** Sets a new password; when the API generates one it is shown here once and never again. */
function ResetPassword({ user }: { user: UserRow }) {
  const api = useApi();
  const [open, setOpen] = useState(false);
  const [shown, setShown] = useState<string | null>(null);
  const form = useZodForm(userPasswordBody, { defaultValues: {} });
  const { mutation, formError } = useFormMutation(form, (body: unknown) => api.post<UserWithPassword>(`/users/${user.id}/reset-password`, body), {
    onSuccess: (r) => {
      setShown(r.password ?? '');
    },
  });
  const close = () => {
    setOpen(false);
    setShown(null);
    form.reset({});
  };
  return (
    <>
      <EditButtonLike onClick={() => setOpen(true)} />
      {open && shown === null && (
        <FormModal
          opened
          onClose={close}
          title={`Reset the password of ${user.email}?`}
          onSubmit={form.handleSubmit((v) => mutation.mutate(v))}
          submitting={mutation.isPending}
          submitLabel="Reset password"
          error={formError}
        >
          <Text size="sm">The user is signed out everywhere. Leave the field empty to have a strong password generated and shown once.</Text>
          <PasswordField control={form.control} name="password" label="New password (optional)" autoComplete="new-password" data-autofocus />
        </FormModal>
      )}
      {open && shown !== null && <OneTimeSecret title={`New password for ${user.email}`} secret={shown} onClose={close} />}
    </>
  );
}

function EditButtonLike({ onClick }: { onClick: () => void }) {
  const { can } = useAuth();
  if (!can('users.write')) return null;
  return (
    <Button variant="default" leftSection={<IconKey size={16} />} onClick={onClick}>
      Reset password
    </Button>
  );
}

export function UsersPage() {
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<UserRow | null>(null);
  const list = useResourceList<UserRow, typeof userListQuery>({ key: 'users', path: '/users', defaultSort: 'createdAt', filters: ['role', 'isActive'] });
  const columns: DataTableColumn<UserRow>[] = [
    { accessor: 'displayName', title: 'Name', sortable: true, render: (u) => <RecordLink to={`/users/${u.id}`}>{u.displayName}</RecordLink> },
    { accessor: 'email', sortable: true },
    { accessor: 'role', sortable: true, render: (u) => <StatusBadge status="UNKNOWN" color={u.role === 'SUPER_ADMIN' ? 'grape' : u.role === 'ADMIN' ? 'indigo' : 'gray'}>{humanize(u.role)}</StatusBadge> },
    { accessor: 'isActive', title: 'Status', render: (u) => <ActiveBadge active={u.isActive} /> },
    { accessor: 'lastLoginAt', title: 'Last sign-in', sortable: true, render: (u) => <When at={u.lastLoginAt} /> },
    {
      accessor: 'actions',
      title: '',
      textAlign: 'right',
      render: (u) => (
        <RowActions>
          <EditButton permission="users.write" label={`Edit ${u.displayName}`} onClick={() => setEditing(u)} iconOnly />
          <Activation user={u} iconOnly />
        </RowActions>
      ),
    },
  ];
  return (
    <>
      <PageHeader title="Staff users" description="Who may sign in to this panel, and with which role" actions={<NewButton permission="users.write" label="New user" onClick={() => setCreating(true)} />} />
      <ResourceList
        list={list}
        noun="users"
        columns={columns}
        search="Name or email"
        rowHref={(u) => `/users/${u.id}`}
        filters={[
          { name: 'role', label: 'Role', type: 'select', options: [...ROLES] },
          { name: 'isActive', label: 'Status', type: 'select', options: [{ value: 'true', label: 'Active' }, { value: 'false', label: 'Inactive' }] },
        ]}
      />
      {creating && <UserForm onClose={() => setCreating(false)} />}
      {editing && <UserForm user={editing} onClose={() => setEditing(null)} />}
    </>
  );
}

function UserActivity({ userId }: { userId: string }) {
  const list = useResourceList<AuditRow, typeof auditListQuery>({ key: 'audit', path: '/audit', defaultSort: 'createdAt', fixed: { userId }, urlPrefix: 'audit.', defaultPageSize: 10 });
  return (
    <ResourceList
      list={list}
      noun="audit entries"
      search={false}
      columns={[
        { accessor: 'createdAt', title: 'When', render: (r) => <When at={r.createdAt} /> },
        { accessor: 'action', render: (r) => <Code>{r.action}</Code> },
        { accessor: 'targetType', title: 'Target', render: (r) => r.targetType ?? '—' },
        { accessor: 'ipAddress', title: 'IP', render: (r) => r.ipAddress ?? '—' },
      ]}
    />
  );
}

export function UserPage() {
  const { id } = useParams();
  const query = useDetail<UserRow>('users', '/users', id);
  const [editing, setEditing] = useState(false);
  const [roleOpen, setRoleOpen] = useState(false);
  const { can } = useAuth();
  return (
    <DetailPage
      query={query}
      noun="user"
      back={{ to: '/users', label: 'Staff users' }}
      title={(u) => u.displayName}
      description={(u) => u.email}
      badges={(u) => <ActiveBadge active={u.isActive} />}
      actions={(u) => (
        <>
          <ResetPassword user={u} />
          {can('users.write') && (
            <Button variant="default" leftSection={<IconShieldCog size={16} />} onClick={() => setRoleOpen(true)}>
              Change role
            </Button>
          )}
          <Activation user={u} />
          <EditButton permission="users.write" label="Edit" onClick={() => setEditing(true)} />
        </>
      )}
    >
      {(u) => (
        <>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <Fields
              title="User"
              rows={[
                ['Id', <IdTag id={u.id} />],
                ['Role', humanize(u.role)],
                ['Last sign-in', dateTime(u.lastLoginAt)],
                ['Created', dateTime(u.createdAt)],
              ]}
            />
          </SimpleGrid>
          <Section title="Recent activity">
            <UserActivity userId={u.id} />
          </Section>
          {editing && <UserForm user={u} onClose={() => setEditing(false)} />}
          {roleOpen && <RoleForm user={u} onClose={() => setRoleOpen(false)} />}
        </>
      )}
    </DetailPage>
  );
}

