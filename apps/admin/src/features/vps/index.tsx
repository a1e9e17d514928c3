import { useParams } from 'react-router';
import { SimpleGrid } from '@mantine/core';
import { IconPlayerPlay, IconPlayerStop, IconRefresh, IconTrash } from '@tabler/icons-react';
import type { DataTableColumn } from 'mantine-datatable';
import { vpsBody, type PlanRow, type ServerRow, type VpsCreated, type VpsDetail, type VpsRow, type VpsListQuery } from '@/api/contracts';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useJobTracker } from '@/components/jobs';
import { FormModal, NumberField, SelectField, TextField, useFormMutation, useZodForm } from '@/lib/forms';
import { RecentJobs } from '@/components/RecentJobs';
import { Section } from '@/components/Fields';
import { useApi } from '@/auth/AuthProvider';
import { IdTag, Mono, NewButton, RecordLink, RowActions, useOptions, When } from '@/components/common';
import { ConfirmAction } from '@/components/ConfirmAction';
import { DetailPage, useDetail } from '@/components/DetailPage';
import { Fields } from '@/components/Fields';
import { PageHeader } from '@/components/PageHeader';
import { ResourceList } from '@/components/ResourceList';
import { StatusBadge } from '@/components/StatusBadge';
import { useResourceList } from '@/components/useResourceList';
import { dateTime, shortId } from '@/lib/format';

const STATUSES = ['PENDING', 'RUNNING', 'STOPPED', 'SUSPENDED', 'TERMINATED'];

export function VpsActions({ vps, iconOnly }: { vps: VpsRow; iconOnly?: boolean }) {
  const api = useApi();
  const invalidate = [['vps']];
  if (vps.status === 'TERMINATED') return null;
  const busy = vps.status === 'PENDING';
  return (
    <>
      {vps.status === 'RUNNING' ? (
        <ConfirmAction permission="vps.control" label="Stop" target={vps.name} iconOnly={iconOnly} color="orange" icon={<IconPlayerStop size={16} />} message="Shuts the machine down; its disk is kept." run={() => api.post(`/vps/${vps.id}/stop`)} invalidate={invalidate} />
      ) : (
        <ConfirmAction permission="vps.control" label="Start" target={vps.name} iconOnly={iconOnly} color="teal" icon={<IconPlayerPlay size={16} />} message="Boots the machine." run={() => api.post(`/vps/${vps.id}/start`)} invalidate={invalidate} disabled={busy} />
      )}
      <ConfirmAction permission="vps.control" label="Reboot" target={vps.name} iconOnly={iconOnly} icon={<IconRefresh size={16} />} message="Restarts the machine; running programs are interrupted." run={() => api.post(`/vps/${vps.id}/reboot`)} invalidate={invalidate} disabled={vps.status !== 'RUNNING'} />
      <ConfirmAction
        permission="vps.destroy"
        label="Destroy"
        target={vps.name}
        destructive
        iconOnly={iconOnly}
        icon={<IconTrash size={16} />}
        message="Deletes the machine and its disks on the hypervisor. This cannot be undone."
        run={() => api.delete(`/vps/${vps.id}`)}
        invalidate={invalidate}
      />
    </>
  );
}

function VpsForm({ onClose }: { onClose: () => void }) {
  const api = useApi();
  const navigate = useNavigate();
  const tracker = useJobTracker();
  const plans = useOptions<PlanRow>('plans', '/plans', (p) => p.name);
  const hosts = useOptions<ServerRow>('servers', '/servers', (s) => s.name, { role: 'HYPERVISOR', isActive: 'true' });
  const form = useZodForm(vpsBody, { defaultValues: {} });
  const { mutation, formError } = useFormMutation(form, (body: unknown) => api.post<VpsCreated>('/vps', body), {
    invalidate: [['vps']],
    onSuccess: (r) => {
      tracker.track(r.job, { label: `Create VPS ${form.getValues('name')}`, invalidate: [['vps']] });
      onClose();
      navigate(`/vps/${r.vps.id}`);
    },
  });
  const vpsPlans = plans.rows.filter((p) => p.product.type === 'VPS').map((p) => ({ value: p.id, label: p.name }));
  return (
    <FormModal opened onClose={onClose} title="New VPS" onSubmit={form.handleSubmit((v) => mutation.mutate(v))} submitting={mutation.isPending} submitLabel="Create VPS" error={formError} size="lg">
      <TextField control={form.control} name="name" label="Name" description="Its host name: letters, digits and dashes" required data-autofocus />
      <SelectField control={form.control} name="planId" label="Plan" description="Sets CPU, memory and disk; values below override it" data={vpsPlans} clearable comboboxProps={{ withinPortal: true }} />
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <NumberField control={form.control} name="cpuCores" label="CPU cores" min={1} allowDecimal={false} />
        <NumberField control={form.control} name="memoryMb" label="Memory (MB)" min={256} step={256} allowDecimal={false} />
        <NumberField control={form.control} name="diskGb" label="Disk (GB)" min={1} allowDecimal={false} />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextField control={form.control} name="template" label="Template" placeholder="debian-12" />
        <SelectField control={form.control} name="serverId" label="Host" description="Empty: the least loaded hypervisor" data={hosts.options} clearable comboboxProps={{ withinPortal: true }} />
      </SimpleGrid>
    </FormModal>
  );
}

export function VpsListPage() {
  const [creating, setCreating] = useState(false);
  const servers = useOptions<ServerRow>('servers', '/servers', (s) => s.name, { role: 'HYPERVISOR' });
  const list = useResourceList<VpsRow, VpsListQuery>({ key: 'vps', path: '/vps', defaultSort: 'createdAt', filters: ['status', 'serverId'] });
  const columns: DataTableColumn<VpsRow>[] = [
    { accessor: 'name', sortable: true, render: (v) => <RecordLink to={`/vps/${v.id}`}>{v.name}</RecordLink> },
    { accessor: 'ipv4', title: 'IPv4', render: (v) => (v.ipv4 ? <Mono>{v.ipv4}</Mono> : '—') },
    { accessor: 'size', title: 'Size', render: (v) => [v.cpuCores && `${v.cpuCores} vCPU`, v.memoryMb && `${v.memoryMb / 1024} GB RAM`, v.diskGb && `${v.diskGb} GB disk`].filter(Boolean).join(' · ') || '—' },
    { accessor: 'server', title: 'Host', render: (v) => v.server?.name ?? shortId(v.serverId) },
    { accessor: 'status', sortable: true, render: (v) => <StatusBadge status={v.status} /> },
    { accessor: 'createdAt', title: 'Created', sortable: true, render: (v) => <When at={v.createdAt} /> },
    { accessor: 'actions', title: '', textAlign: 'right', render: (v) => <RowActions><VpsActions vps={v} iconOnly /></RowActions> },
  ];
  return (
    <>
      <PageHeader title="VPS" description="Virtual machines on the hypervisors" actions={<NewButton permission="vps.create" label="New VPS" onClick={() => setCreating(true)} />} />
      <ResourceList
        list={list}
        noun="virtual machines"
        columns={columns}
        search="Name or IP"
        rowHref={(v) => `/vps/${v.id}`}
        filters={[
          { name: 'status', label: 'Status', type: 'select', options: STATUSES },
          { name: 'serverId', label: 'Host', type: 'select', options: servers.options },
        ]}
      />
      {creating && <VpsForm onClose={() => setCreating(false)} />}
    </>
  );
}

export function VpsPage() {
  const { id } = useParams();
  const query = useDetail<VpsDetail>('vps', '/vps', id, (v) => (v.status === 'PENDING' || v.jobs.some((j) => j.status === 'PENDING' || j.status === 'RUNNING') ? 2000 : false));
  return (
    <DetailPage
      query={query}
      noun="virtual machine"
      back={{ to: '/vps', label: 'VPS' }}
      title={(v) => v.name}
      badges={(v) => <StatusBadge status={v.status} size="lg" />}
      actions={(v) => <VpsActions vps={v} />}
    >
      {(v) => (
        <>
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <Fields
            title="Machine"
            rows={[
              ['Id', <IdTag id={v.id} />],
              ['IPv4', v.ipv4 ? <Mono>{v.ipv4}</Mono> : '—'],
              ['Host', <RecordLink to={`/servers/${v.serverId}`}>{v.server?.name ?? shortId(v.serverId)}</RecordLink>],
              ['Provider id', v.externalId ? <Mono>{v.externalId}</Mono> : '—'],
              ['Template', v.template],
              ['Domain', v.domainId ? <RecordLink to={`/domains/${v.domainId}`} mono>{v.domain?.name ?? shortId(v.domainId)}</RecordLink> : '—'],
            ]}
          />
          <Fields
            title="Resources"
            rows={[
              ['CPU cores', v.cpuCores ? String(v.cpuCores) : '—'],
              ['Memory', v.memoryMb ? `${v.memoryMb} MB` : '—'],
              ['Disk', v.diskGb ? `${v.diskGb} GB` : '—'],
              ['Created', dateTime(v.createdAt)],
              ['Updated', <When at={v.updatedAt} />],
            ]}
          />
        </SimpleGrid>
        <Section title="Jobs">
          <RecentJobs jobs={v.jobs} />
        </Section>
        </>
      )}
    </DetailPage>
  );
}
