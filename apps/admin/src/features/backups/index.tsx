import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { Box, Code, SimpleGrid, Text } from '@mantine/core';
import { IconPlayerPlay } from '@tabler/icons-react';
import { DataTable, type DataTableColumn } from 'mantine-datatable';
import { backupCreateBody, backupUpdateBody, BackupType, type BackupJobDetail, type BackupJobRow, type ServerRow, type BackupListQuery } from '@/api/contracts';
import { RecentJobs } from '@/components/RecentJobs';
import { useApi } from '@/auth/AuthProvider';
import { EditButton, IdTag, Mono, NewButton, RecordLink, RowActions, useOptions, When } from '@/components/common';
import { ConfirmAction } from '@/components/ConfirmAction';
import { DetailPage, useDetail } from '@/components/DetailPage';
import { Fields, Section } from '@/components/Fields';
import { PageHeader } from '@/components/PageHeader';
import { ResourceList } from '@/components/ResourceList';
import { ActiveBadge, StatusBadge } from '@/components/StatusBadge';
import { useResourceList } from '@/components/useResourceList';
import { FormModal, SelectField, SwitchField, TextField, useFormMutation, useZodForm } from '@/lib/forms';
import { bytes, dateTime, duration, humanize } from '@/lib/format';

const STATUSES = ['PENDING', 'RUNNING', 'SUCCESS', 'FAILED'];
const invalidate = [['backups']];
type BackupJobBase = Omit<BackupJobRow, '_count'>;
const label = (b: BackupJobBase) => b.name ?? `${humanize(b.type)} ${b.targetId}`;

function BackupForm({ job, onClose }: { job?: BackupJobBase; onClose: () => void }) {
  const api = useApi();
  const navigate = useNavigate();
  const servers = useOptions<ServerRow>('servers', '/servers', (s) => s.name);
  const form = useZodForm((job ? backupUpdateBody : backupCreateBody) as typeof backupCreateBody, {
    defaultValues: job
      ? { name: job.name ?? '', type: job.type, targetId: job.targetId, serverId: job.serverId ?? undefined, schedule: job.schedule, isActive: job.isActive }
      : { type: 'CLIENT_SITE', schedule: '0 3 * * *', isActive: true },
  });
  const { mutation, formError } = useFormMutation(
    form,
    (body: unknown) => (job ? api.patch<BackupJobRow>(`/backups/jobs/${job.id}`, body) : api.post<BackupJobRow>('/backups/jobs', body)),
    {
      invalidate,
      onSuccess: (saved) => {
        onClose();
        if (!job && saved?.id) navigate(`/backups/${saved.id}`);
      },
    },
  );
  return (
    <FormModal opened onClose={onClose} title={job ? `Edit ${label(job)}` : 'New backup job'} onSubmit={form.handleSubmit((v) => mutation.mutate(v))} submitting={mutation.isPending} submitLabel={job ? 'Save changes' : 'Create job'} error={formError}>
      <TextField control={form.control} name="name" label="Name" required data-autofocus />
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <SelectField control={form.control} name="type" label="What" data={Object.values(BackupType).map((t) => ({ value: t, label: humanize(t) }))} allowDeselect={false} required />
        <TextField control={form.control} name="targetId" label="Target" description="Site: domain id · system: server id · database: its name" required />
        <SelectField control={form.control} name="serverId" label="Runs on" description="Follows from the target when empty" data={servers.options} clearable comboboxProps={{ withinPortal: true }} />
        <TextField control={form.control} name="schedule" label="Schedule (cron)" placeholder="0 3 * * *" description="Empty: runs only when started by hand" nullable />
      </SimpleGrid>
      <SwitchField control={form.control} name="isActive" label="Enabled" />
    </FormModal>
  );
}

function Rerun({ job, iconOnly }: { job: BackupJobBase; iconOnly?: boolean }) {
  const api = useApi();
  return (
    <ConfirmAction
      permission="backups.run"
      label="Run now"
      target={label(job)}
      iconOnly={iconOnly}
      icon={<IconPlayerPlay size={16} />}
      message="Starts this backup now, outside its schedule."
      run={() => api.post(`/backups/jobs/${job.id}/rerun`)}
      invalidate={invalidate}
      disabled={job.status === 'RUNNING'}
    />
  );
}

export function BackupsPage() {
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<BackupJobRow | null>(null);
  const list = useResourceList<BackupJobRow, BackupListQuery>({
    key: 'backups',
    path: '/backups/jobs',
    defaultSort: 'createdAt',
    filters: ['type', 'status'],
    refetchInterval: (rows) => ((rows as BackupJobRow[]).some((b) => b.status === 'RUNNING') ? 3000 : false),
  });
  const columns: DataTableColumn<BackupJobRow>[] = [
    { accessor: 'name', sortable: true, render: (b) => <RecordLink to={`/backups/${b.id}`}>{label(b)}</RecordLink> },
    { accessor: 'type', render: (b) => humanize(b.type) },
    { accessor: 'server', render: (b) => b.server?.name ?? '—' },
    { accessor: 'schedule', render: (b) => (b.schedule ? <Code>{b.schedule}</Code> : 'Manual') },
    { accessor: 'status', title: 'Last result', sortable: true, render: (b) => <StatusBadge status={b.status} spin /> },
    { accessor: 'lastRunAt', title: 'Last run', sortable: true, render: (b) => <When at={b.lastRunAt} /> },
    { accessor: 'isActive', title: 'Enabled', render: (b) => <ActiveBadge active={b.isActive} /> },
    {
      accessor: 'actions',
      title: '',
      textAlign: 'right',
      render: (b) => (
        <RowActions>
          <Rerun job={b} iconOnly />
          <EditButton permission="backups.write" label={`Edit ${label(b)}`} onClick={() => setEditing(b)} iconOnly />
        </RowActions>
      ),
    },
  ];
  return (
    <>
      <PageHeader title="Backups" description="Scheduled backups and what each run reported" actions={<NewButton permission="backups.write" label="New backup job" onClick={() => setCreating(true)} />} />
      <ResourceList
        list={list}
        noun="backup jobs"
        columns={columns}
        search="Name"
        rowHref={(b) => `/backups/${b.id}`}
        filters={[
          { name: 'type', label: 'Type', type: 'select', options: Object.values(BackupType) },
          { name: 'status', label: 'Last result', type: 'select', options: STATUSES },
        ]}
      />
      {creating && <BackupForm onClose={() => setCreating(false)} />}
      {editing && <BackupForm job={editing} onClose={() => setEditing(null)} />}
    </>
  );
}

export function BackupJobPage() {
  const { id } = useParams();
  const [editing, setEditing] = useState(false);
  const [reportsPage, setReportsPage] = useState(1);
  const query = useDetail<BackupJobDetail>('backups', '/backups/jobs', id, (b) => (b.status === 'RUNNING' ? 3000 : false), { page: reportsPage, pageSize: 20 });
  return (
    <DetailPage<BackupJobDetail>
      query={query}
      noun="backup job"
      back={{ to: '/backups', label: 'Backups' }}
      title={label}
      badges={(b) => (
        <>
          <StatusBadge status={b.status} size="lg" spin />
          {!b.isActive && <ActiveBadge active={false} />}
        </>
      )}
      actions={(b) => (
        <>
          <Rerun job={b} />
          <EditButton permission="backups.write" label="Edit" onClick={() => setEditing(true)} />
        </>
      )}
    >
      {(b) => (
        <>
          <Fields
            title="Job"
            rows={[
              ['Id', <IdTag id={b.id} />],
              ['Type', humanize(b.type)],
              ['Target', <Mono>{b.targetId}</Mono>],
              ['Runs on', b.serverId ? <RecordLink to={`/servers/${b.serverId}`}>{b.server?.name ?? b.serverId}</RecordLink> : '—'],
              ['Schedule', b.schedule ? <Code>{b.schedule}</Code> : 'Manual only'],
              ['Last run', dateTime(b.lastRunAt)],
            ]}
          />
          <Section title={`Reports (${b.reports.total})`}>
            <DataTable
              aria-label="Backup reports"
              withTableBorder={false}
              minHeight={b.reports.items.length ? undefined : 140}
              records={b.reports.items}
              totalRecords={b.reports.total}
              recordsPerPage={b.reports.pageSize}
              page={b.reports.page}
              onPageChange={setReportsPage}
              noRecordsText="No reports yet"
              striped
              columns={[
                { accessor: 'createdAt', title: 'Reported', render: (r) => dateTime(r.createdAt) },
                { accessor: 'status', render: (r) => <StatusBadge status={r.status} /> },
                { accessor: 'sizeBytes', title: 'Size', textAlign: 'right', render: (r) => bytes(r.sizeBytes) },
                { accessor: 'durationMs', title: 'Took', textAlign: 'right', render: (r) => duration(r.durationMs) },
                { accessor: 'checksum', render: (r) => (r.checksum ? <Mono dimmed>{r.checksum.slice(0, 16)}…</Mono> : '—') },
                {
                  accessor: 'details',
                  render: (r) =>
                    r.details ? (
                      <Box component="pre" fz="xs" m={0} style={{ whiteSpace: 'pre-wrap', maxWidth: 380 }}>
                        {JSON.stringify(r.details)}
                      </Box>
                    ) : (
                      <Text size="sm" c="dimmed">—</Text>
                    ),
                },
              ]}
            />
          </Section>
          <Section title="Recent runs">
            <RecentJobs jobs={b.runs} label="Backup runs" />
          </Section>
          {editing && <BackupForm job={b} onClose={() => setEditing(false)} />}
        </>
      )}
    </DetailPage>
  );
}
