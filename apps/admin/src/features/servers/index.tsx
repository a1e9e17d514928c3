import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { Box, SimpleGrid, Text } from '@mantine/core';
import { IconHeartbeat, IconTrash } from '@tabler/icons-react';
import type { DataTableColumn } from 'mantine-datatable';
import { serverBody, ServerRole, type ServerRow, type ServerListQuery } from '@/api/contracts';
import { useApi } from '@/auth/AuthProvider';
import { EditButton, IdTag, Mono, NewButton, RecordLink, RowActions, When } from '@/components/common';
import { ConfirmAction } from '@/components/ConfirmAction';
import { DetailPage, useDetail } from '@/components/DetailPage';
import { Fields, Section } from '@/components/Fields';
import { PageHeader } from '@/components/PageHeader';
import { ResourceList } from '@/components/ResourceList';
import { ActiveBadge, StatusBadge } from '@/components/StatusBadge';
import { useResourceList } from '@/components/useResourceList';
import { FormModal, JsonField, NumberField, SelectField, SwitchField, TextField, useFormMutation, useZodForm } from '@/lib/forms';
import { dateTime, humanize } from '@/lib/format';

function ServerForm({ server, onClose }: { server?: ServerRow; onClose: () => void }) {
  const api = useApi();
  const navigate = useNavigate();
  const form = useZodForm(serverBody, {
    defaultValues: server
      ? {
          name: server.name,
          role: server.role,
          ipAddress: server.ipAddress,
          internalIp: server.internalIp,
          location: server.location,
          sshPort: server.sshPort,
          sshUser: server.sshUser,
          config: server.config as Record<string, unknown> | null,
          isActive: server.isActive,
        }
      : { role: 'WEB', sshPort: 22, isActive: true },
  });
  const { mutation, formError } = useFormMutation(
    form,
    (body: unknown) => (server ? api.patch<ServerRow>(`/servers/${server.id}`, body) : api.post<ServerRow>('/servers', body)),
    {
      invalidate: [['servers']],
      onSuccess: (saved) => {
        onClose();
        if (!server && saved?.id) navigate(`/servers/${saved.id}`);
      },
    },
  );
  return (
    <FormModal
      opened
      onClose={onClose}
      title={server ? `Edit ${server.name}` : 'New server'}
      onSubmit={form.handleSubmit((v) => mutation.mutate(v))}
      submitting={mutation.isPending}
      submitLabel={server ? 'Save changes' : 'Add server'}
      error={formError}
      size="lg"
    >
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextField control={form.control} name="name" label="Name" placeholder="srv1-web" required data-autofocus />
        <SelectField control={form.control} name="role" label="Role" data={Object.values(ServerRole).map((r) => ({ value: r, label: humanize(r) }))} allowDeselect={false} required />
        <TextField control={form.control} name="ipAddress" label="Public IP" required />
        <TextField control={form.control} name="internalIp" label="Internal IP" nullable={!!server} />
        <TextField control={form.control} name="location" label="Location" placeholder="home-lab" nullable={!!server} />
        <TextField control={form.control} name="sshUser" label="SSH user" nullable={!!server} />
        <NumberField control={form.control} name="sshPort" label="SSH port" min={1} max={65535} allowDecimal={false} />
      </SimpleGrid>
      <JsonField
        control={form.control}
        name="config"
        label="Settings (JSON)"
        description="A hypervisor needs its driver settings (driver, apiUrl, node, tokenId, tokenSecretEnv, templates); a web server may set maxAccounts. Name secrets by their environment variable, never the secret."
        placeholder='{ "maxAccounts": 500 }'
      />
      <SwitchField control={form.control} name="isActive" label="Active (may receive new accounts)" />
    </FormModal>
  );
}

export function HealthBadge({ server }: { server: Pick<ServerRow, 'healthStatus'> }) {
  return <StatusBadge status={server.healthStatus ?? 'UNKNOWN'}>{server.healthStatus ? humanize(server.healthStatus) : 'Not checked'}</StatusBadge>;
}

function CheckHealth({ server, iconOnly }: { server: ServerRow; iconOnly?: boolean }) {
  const api = useApi();
  return (
    <ConfirmAction
      permission="servers.check"
      label="Check health"
      target={server.name}
      iconOnly={iconOnly}
      icon={<IconHeartbeat size={16} />}
      message={`Connects to ${server.name} (${server.ipAddress}) and records what it finds.`}
      run={() => api.post(`/servers/${server.id}/check`)}
      invalidate={[['servers'], ['dashboard']]}
    />
  );
}

export function ServersPage() {
  const api = useApi();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<ServerRow | null>(null);
  const list = useResourceList<ServerRow, ServerListQuery>({ key: 'servers', path: '/servers', defaultSort: 'name', defaultOrder: 'asc', filters: ['role', 'isActive'] });
  const columns: DataTableColumn<ServerRow>[] = [
    { accessor: 'name', sortable: true, render: (s) => <RecordLink to={`/servers/${s.id}`}>{s.name}</RecordLink> },
    { accessor: 'role', sortable: true, render: (s) => humanize(s.role) },
    { accessor: 'ipAddress', title: 'IP', render: (s) => <Mono>{s.ipAddress}</Mono> },
    { accessor: 'location', visibleMediaQuery: '(min-width: 62em)', render: (s) => s.location ?? '—' },
    { accessor: 'load', title: 'Carries', render: (s) => (s.role === 'WEB' ? `${s.hostingAccountCount} sites` : s.role === 'HYPERVISOR' ? `${s.vpsCount} VPS` : '—') },
    { accessor: 'healthStatus', title: 'Health', render: (s) => <HealthBadge server={s} /> },
    { accessor: 'healthCheckedAt', title: 'Checked', render: (s) => <When at={s.healthCheckedAt} /> },
    { accessor: 'isActive', title: 'Status', render: (s) => <ActiveBadge active={s.isActive} /> },
    {
      accessor: 'actions',
      title: '',
      textAlign: 'right',
      render: (s) => (
        <RowActions>
          <CheckHealth server={s} iconOnly />
          <EditButton permission="servers.write" label={`Edit ${s.name}`} onClick={() => setEditing(s)} iconOnly />
          {s.isActive && (
            <ConfirmAction
              permission="servers.delete"
              label="Retire"
              target={s.name}
              destructive
              iconOnly
              icon={<IconTrash size={16} />}
              message="The server is marked inactive and gets no new accounts. Only a server with nothing live on it can be retired; its history stays."
              run={() => api.delete(`/servers/${s.id}`)}
              invalidate={[['servers']]}
            />
          )}
        </RowActions>
      ),
    },
  ];
  return (
    <>
      <PageHeader title="Servers" description="Web, mail, DNS and other machines the platform provisions on" actions={<NewButton permission="servers.write" label="Add server" onClick={() => setCreating(true)} />} />
      <ResourceList
        list={list}
        noun="servers"
        columns={columns}
        search="Name or IP"
        rowHref={(s) => `/servers/${s.id}`}
        filters={[
          { name: 'role', label: 'Role', type: 'select', options: Object.values(ServerRole) },
          { name: 'isActive', label: 'Status', type: 'select', options: [{ value: 'true', label: 'Active' }, { value: 'false', label: 'Inactive' }] },
        ]}
      />
      {creating && <ServerForm onClose={() => setCreating(false)} />}
      {editing && <ServerForm server={editing} onClose={() => setEditing(null)} />}
    </>
  );
}

export function ServerPage() {
  const { id } = useParams();
  const query = useDetail<ServerRow>('servers', '/servers', id);
  const [editing, setEditing] = useState(false);
  return (
    <DetailPage
      query={query}
      noun="server"
      back={{ to: '/servers', label: 'Servers' }}
      title={(s) => s.name}
      description={(s) => `${humanize(s.role)} server · ${s.ipAddress}`}
      badges={(s) => (
        <>
          <HealthBadge server={s} />
          <ActiveBadge active={s.isActive} />
        </>
      )}
      actions={(s) => (
        <>
          <CheckHealth server={s} />
          <EditButton permission="servers.write" label="Edit" onClick={() => setEditing(true)} />
        </>
      )}
    >
      {(s) => (
        <>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <Fields
              title="Server"
              rows={[
                ['Id', <IdTag id={s.id} />],
                ['Role', humanize(s.role)],
                ['Public IP', <Mono>{s.ipAddress}</Mono>],
                ['Internal IP', s.internalIp ? <Mono>{s.internalIp}</Mono> : '—'],
                ['Location', s.location],
                ['SSH', s.sshUser ? <Mono>{`${s.sshUser}@${s.internalIp ?? s.ipAddress}:${s.sshPort}`}</Mono> : `port ${s.sshPort}`],
                ['Host key', s.hostKeyFingerprint ? <Mono>{s.hostKeyFingerprint}</Mono> : 'Not pinned yet'],
                ['Carries', `${s.hostingAccountCount} hosting accounts, ${s.vpsCount} VPS`],
                ['Added', dateTime(s.createdAt)],
              ]}
            />
            <Section title="Health">
              <Text size="sm" mb="xs">
                <HealthBadge server={s} /> {s.healthCheckedAt ? <>checked <When at={s.healthCheckedAt} /></> : 'never checked'}
              </Text>
              <Box component="pre" fz="xs" m={0} p="xs" bg="var(--mantine-color-gray-0)" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', borderRadius: 6 }}>
                {s.healthDetails ? JSON.stringify(s.healthDetails, null, 2) : 'No details yet. Run a health check.'}
              </Box>
              {s.config && (
                <>
                  <Text size="sm" fw={600} mt="sm" mb={4}>
                    Settings
                  </Text>
                  <Box component="pre" fz="xs" m={0} p="xs" bg="var(--mantine-color-gray-0)" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', borderRadius: 6 }}>
                    {JSON.stringify(s.config, null, 2)}
                  </Box>
                </>
              )}
            </Section>
          </SimpleGrid>
          {editing && <ServerForm server={s} onClose={() => setEditing(false)} />}
        </>
      )}
    </DetailPage>
  );
}
