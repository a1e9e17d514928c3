import { useState } from 'react';
import { useParams } from 'react-router';
import { SimpleGrid } from '@mantine/core';
import { IconPlayerPause, IconPlayerPlay, IconTrash } from '@tabler/icons-react';
import type { DataTableColumn } from 'mantine-datatable';
import { hostingBody, HOSTING_STATUSES, type DomainRow, type HostingDetail, type HostingRow, type ServerRow, type HostingListQuery } from '@/api/contracts';
import { RecentJobs } from '@/components/RecentJobs';
import { Section } from '@/components/Fields';
import { Text } from '@mantine/core';
import { useApi } from '@/auth/AuthProvider';
import { IdTag, Mono, NewButton, RecordLink, RowActions, useOptions, When } from '@/components/common';
import { ConfirmAction } from '@/components/ConfirmAction';
import { DetailPage, useDetail } from '@/components/DetailPage';
import { Fields } from '@/components/Fields';
import { PageHeader } from '@/components/PageHeader';
import { ResourceList } from '@/components/ResourceList';
import { StatusBadge } from '@/components/StatusBadge';
import { useResourceList } from '@/components/useResourceList';
import { FormModal, SelectField, TextField, useFormMutation, useZodForm } from '@/lib/forms';
import { dateTime, shortId } from '@/lib/format';

const STATUSES = [...HOSTING_STATUSES];

const nameOf = (h: HostingRow) => h.domain?.name ?? h.systemUser;

/** Suspend / unsuspend / terminate, as the account's state and the role allow. */
export function HostingActions({ account, iconOnly }: { account: HostingRow; iconOnly?: boolean }) {
  const api = useApi();
  const target = nameOf(account);
  const invalidate = [['hosting'], ['domains']];
  if (account.status === 'TERMINATED') return null;
  return (
    <>
      {account.status === 'SUSPENDED' ? (
        <ConfirmAction
          permission="hosting.suspend"
          label="Unsuspend"
          target={target}
          iconOnly={iconOnly}
          color="teal"
          icon={<IconPlayerPlay size={16} />}
          message="The site is served again and its owner can log in."
          run={() => api.post(`/hosting/${account.id}/unsuspend`)}
          invalidate={invalidate}
        />
      ) : (
        <ConfirmAction
          permission="hosting.suspend"
          label="Suspend"
          target={target}
          iconOnly={iconOnly}
          color="orange"
          icon={<IconPlayerPause size={16} />}
          message="Visitors see a suspension page and the owner cannot log in. Files and databases stay."
          run={() => api.post(`/hosting/${account.id}/suspend`)}
          invalidate={invalidate}
          disabled={account.status === 'PENDING'}
        />
      )}
      <ConfirmAction
        permission="hosting.terminate"
        label="Terminate"
        target={target}
        destructive
        iconOnly={iconOnly}
        icon={<IconTrash size={16} />}
        message={`Removes the account ${account.systemUser}, its files, databases and vhost from the server. The DNS zone stays. This cannot be undone.`}
        run={() => api.post(`/hosting/${account.id}/terminate`)}
        invalidate={invalidate}
      />
    </>
  );
}

function HostingForm({ onClose }: { onClose: () => void }) {
  const api = useApi();
  const domains = useOptions<DomainRow>('domains', '/domains', (d) => d.name);
  const form = useZodForm(hostingBody, { defaultValues: {} });
  const { mutation, formError } = useFormMutation(form, (body: unknown) => api.post('/hosting', body), { invalidate: [['hosting']], onSuccess: onClose });
  return (
    <FormModal opened onClose={onClose} title="New hosting account" onSubmit={form.handleSubmit((v) => mutation.mutate(v))} submitting={mutation.isPending} submitLabel="Create account" error={formError}>
      <SelectField control={form.control} name="domainId" label="Domain" data={domains.options} searchable required data-autofocus comboboxProps={{ withinPortal: true }} />
      <Text size="sm" c="dimmed">The account goes to the least loaded active web server.</Text>
      <TextField control={form.control} name="phpVersion" label="PHP version" placeholder="8.2" />
    </FormModal>
  );
}

export function HostingPage() {
  const [creating, setCreating] = useState(false);
  const servers = useOptions<ServerRow>('servers', '/servers', (s) => s.name, { role: 'WEB' });
  const list = useResourceList<HostingRow, HostingListQuery>({ key: 'hosting', path: '/hosting', defaultSort: 'createdAt', filters: ['status', 'serverId'] });
  const columns: DataTableColumn<HostingRow>[] = [
    { accessor: 'domain', title: 'Domain', render: (h) => <RecordLink to={`/hosting/${h.id}`} mono>{h.domain?.name ?? shortId(h.domainId)}</RecordLink> },
    { accessor: 'systemUser', title: 'System user', sortable: true, render: (h) => <Mono>{h.systemUser}</Mono> },
    { accessor: 'server', render: (h) => (h.server ? <RecordLink to={`/servers/${h.serverId}`}>{h.server.name}</RecordLink> : shortId(h.serverId)) },
    { accessor: 'phpVersion', title: 'PHP', render: (h) => h.phpVersion ?? '—' },
    { accessor: 'status', sortable: true, render: (h) => <StatusBadge status={h.status} /> },
    { accessor: 'createdAt', title: 'Created', sortable: true, render: (h) => <When at={h.createdAt} /> },
    { accessor: 'actions', title: '', textAlign: 'right', render: (h) => <RowActions><HostingActions account={h} iconOnly /></RowActions> },
  ];
  return (
    <>
      <PageHeader title="Hosting accounts" description="Web hosting accounts on the web servers" actions={<NewButton permission="hosting.create" label="New account" onClick={() => setCreating(true)} />} />
      <ResourceList
        list={list}
        noun="hosting accounts"
        columns={columns}
        search="Domain or system user"
        rowHref={(h) => `/hosting/${h.id}`}
        filters={[
          { name: 'status', label: 'Status', type: 'select', options: STATUSES },
          { name: 'serverId', label: 'Server', type: 'select', options: servers.options },
        ]}
      />
      {creating && <HostingForm onClose={() => setCreating(false)} />}
    </>
  );
}

export function HostingAccountPage() {
  const { id } = useParams();
  const query = useDetail<HostingDetail>('hosting', '/hosting', id, (h) => (h.jobs.some((j) => j.status === 'PENDING' || j.status === 'RUNNING') ? 2000 : false));
  return (
    <DetailPage
      query={query}
      noun="hosting account"
      back={{ to: '/hosting', label: 'Hosting accounts' }}
      title={(h) => <Mono>{nameOf(h)}</Mono>}
      badges={(h) => <StatusBadge status={h.status} size="lg" />}
      actions={(h) => <HostingActions account={h} />}
    >
      {(h) => (
        <>
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <Fields
            title="Account"
            rows={[
              ['Id', <IdTag id={h.id} />],
              ['Domain', <RecordLink to={`/domains/${h.domainId}`} mono>{h.domain?.name ?? shortId(h.domainId)}</RecordLink>],
              ['Server', <RecordLink to={`/servers/${h.serverId}`}>{h.server?.name ?? shortId(h.serverId)}</RecordLink>],
              ['System user', <Mono>{h.systemUser}</Mono>],
              ['Home directory', <Mono>{h.homeDir}</Mono>],
              ['PHP version', h.phpVersion],
              ['Created', dateTime(h.createdAt)],
              ['Updated', <When at={h.updatedAt} />],
            ]}
          />
          <Fields
            title="Owner"
            rows={[
              ['Customer', h.domain.customer ? <RecordLink to={`/customers/${h.domain.customer.id}`}>{h.domain.customer.email}</RecordLink> : '—'],
              ['Domain status', <StatusBadge status={h.domain.status} />],
              ['Server address', <Mono>{h.server.ipAddress}</Mono>],
            ]}
          />
        </SimpleGrid>
        <Section title="Jobs">
          <RecentJobs jobs={h.jobs} />
        </Section>
        </>
      )}
    </DetailPage>
  );
}
