import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ActionIcon, Badge, Button, Group, Paper, SegmentedControl, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import { IconLock, IconPencil, IconPlus, IconRefresh, IconSearch, IconTrash } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { DataTable, type DataTableColumn } from 'mantine-datatable';
import { dnsZoneBody, type DnsPatchBody, type DnsZoneDetail, type DnsZoneRow, type DomainRow, type Rrset, type ZoneCreated, type ZoneListQuery } from '@/api/contracts';
import { useApi, useCan } from '@/auth/AuthProvider';
import { Mono, NewButton, RecordLink, RowActions, useOptions, When } from '@/components/common';
import { ConfirmAction } from '@/components/ConfirmAction';
import { DetailPage, useDetail } from '@/components/DetailPage';
import { PageHeader } from '@/components/PageHeader';
import { ResourceList } from '@/components/ResourceList';
import { StatusBadge } from '@/components/StatusBadge';
import { useResourceList } from '@/components/useResourceList';
import { FormModal, SelectField, TextField, useFormMutation, useZodForm } from '@/lib/forms';
import { useJobTracker } from '@/components/jobs';
import { Alert } from '@mantine/core';
import { dateTime, shortId } from '@/lib/format';
import { isEditableType, relativeName } from './rrset-validation';
import { RrsetModal, zoneKey } from './RrsetModal';

const zoneName = (z: Pick<DnsZoneRow, 'domain' | 'id'>) => z.domain?.name ?? shortId(z.id);

function SyncBadge({ zone }: { zone: DnsZoneRow }) {
  return <StatusBadge status={zone.isSynced ? 'SYNCED' : 'PENDING'}>{zone.isSynced ? 'In sync' : 'Not synced'}</StatusBadge>;
}

function ZoneActions({ zone, iconOnly, onDeleted }: { zone: DnsZoneRow; iconOnly?: boolean; onDeleted?: () => void }) {
  const api = useApi();
  const name = zoneName(zone);
  return (
    <>
      <ConfirmAction
        permission="dns.write"
        label="Sync"
        target={name}
        iconOnly={iconOnly}
        icon={<IconRefresh size={16} />}
        message="Reads the zone from PowerDNS and brings it back to what the platform expects (default records, name servers)."
        run={() => api.post(`/dns/zones/${zone.id}/sync`)}
        invalidate={[['dns']]}
      />
      <ConfirmAction
        permission="dns.delete"
        label="Delete zone"
        target={name}
        destructive
        iconOnly={iconOnly}
        icon={<IconTrash size={16} />}
        message="Removes the zone and every record in it from the name servers. Sites and mail of this domain stop resolving."
        run={() => api.delete(`/dns/zones/${zone.id}`)}
        invalidate={[['dns']]}
        onDone={onDeleted}
      />
    </>
  );
}

function NewZone({ onClose }: { onClose: () => void }) {
  const api = useApi();
  const navigate = useNavigate();
  const tracker = useJobTracker();
  const [mode, setMode] = useState<'existing' | 'new'>('existing');
  const domains = useOptions<DomainRow>('domains', '/domains', (d) => d.name);
  const form = useZodForm(dnsZoneBody, { defaultValues: {} });
  const { mutation, formError } = useFormMutation(form, (body: unknown) => api.post<ZoneCreated>('/dns/zones', body), {
    invalidate: [['dns'], ['domains']],
    onSuccess: (r) => {
      tracker.track(r.job, { label: `Create zone ${r.zone.domain.name}`, invalidate: [['dns']] });
      onClose();
      navigate(`/dns/${r.zone.id}`);
    },
  });
  const submit = form.handleSubmit((v) => mutation.mutate(mode === 'existing' ? { domainId: v.domainId } : { domain: v.domain }));
  return (
    <FormModal opened onClose={onClose} title="New DNS zone" onSubmit={submit} submitting={mutation.isPending} submitLabel="Create zone" error={formError}>
      <SegmentedControl
        value={mode}
        onChange={(v) => {
          setMode(v as 'existing' | 'new');
          form.reset({});
        }}
        data={[
          { value: 'existing', label: 'A domain on the platform' },
          { value: 'new', label: 'A new domain name' },
        ]}
        aria-label="Zone for"
      />
      {mode === 'existing' ? (
        <SelectField control={form.control} name="domainId" label="Domain" data={domains.options} searchable required data-autofocus comboboxProps={{ withinPortal: true }} />
      ) : (
        <TextField control={form.control} name="domain" label="Domain name" placeholder="example.com" required data-autofocus />
      )}
      <Text size="sm" c="dimmed">
        The zone is created on the name servers with the default records (SOA, NS, web and mail).
      </Text>
    </FormModal>
  );
}

export function ZonesPage() {
  const [creating, setCreating] = useState(false);
  const list = useResourceList<DnsZoneRow, ZoneListQuery>({ key: 'dns', path: '/dns/zones', defaultSort: 'createdAt', filters: ['isSynced'] });
  const columns: DataTableColumn<DnsZoneRow>[] = [
    { accessor: 'domain', title: 'Zone', render: (z) => <RecordLink to={`/dns/${z.id}`} mono>{zoneName(z)}</RecordLink> },
    { accessor: 'soaSerial', title: 'Serial', render: (z) => (z.soaSerial ? <Mono dimmed>{z.soaSerial}</Mono> : '—') },
    { accessor: 'isSynced', title: 'Sync', render: (z) => <SyncBadge zone={z} /> },
    { accessor: 'lastSyncAt', title: 'Last sync', sortable: true, render: (z) => <When at={z.lastSyncAt} /> },
    { accessor: 'createdAt', title: 'Created', sortable: true, render: (z) => <When at={z.createdAt} /> },
    { accessor: 'actions', title: '', textAlign: 'right', render: (z) => <RowActions><ZoneActions zone={z} iconOnly /></RowActions> },
  ];
  return (
    <>
      <PageHeader title="DNS zones" description="Zones served by the PowerDNS name servers" actions={<NewButton permission="dns.write" label="New zone" onClick={() => setCreating(true)} />} />
      <ResourceList
        list={list}
        noun="DNS zones"
        columns={columns}
        search="Domain name"
        rowHref={(z) => `/dns/${z.id}`}
        filters={[{ name: 'isSynced', label: 'Sync', type: 'select', options: [{ value: 'true', label: 'In sync' }, { value: 'false', label: 'Not synced' }] }]}
      />
      {creating && <NewZone onClose={() => setCreating(false)} />}
    </>
  );
}

const TYPE_ORDER = ['SOA', 'NS', 'A', 'AAAA', 'CNAME', 'MX', 'TXT', 'SRV', 'CAA'];
/** The apex first, then names as people read them (www before www.dev). */
const ownerOrder = (fqdn: string, zone: string) => {
  const rel = relativeName(fqdn, zone);
  return rel === '@' ? '' : rel.split('.').reverse().join('.');
};

function RecordsTable({ zone, rrsets, serial }: { zone: DnsZoneDetail; rrsets: Rrset[]; serial: number }) {
  const api = useApi();
  const can = useCan();
  const qc = useQueryClient();
  const name = zoneName(zone);
  const [editing, setEditing] = useState<Rrset | 'new' | null>(null);
  const [typeFilter, setTypeFilter] = useState('ALL');
  const [search, setSearch] = useState('');
  const reload = () => void qc.invalidateQueries({ queryKey: zoneKey(zone.id) });
  const currentSerial = () => qc.getQueryData<DnsZoneDetail>(zoneKey(zone.id))?.serial ?? serial;

  const rows = useMemo(() => {
    const q = search.trim().toLowerCase();
    return [...rrsets]
      .filter((r) => typeFilter === 'ALL' || r.type === typeFilter)
      .filter((r) => !q || r.name.toLowerCase().includes(q) || r.records.some((x) => x.content.toLowerCase().includes(q)))
      .sort((a, b) => ownerOrder(a.name, name).localeCompare(ownerOrder(b.name, name)) || TYPE_ORDER.indexOf(a.type) - TYPE_ORDER.indexOf(b.type));
  }, [rrsets, typeFilter, search, name]);
  const types = ['ALL', ...TYPE_ORDER.filter((t) => rrsets.some((r) => r.type === t))];

  const columns: DataTableColumn<Rrset>[] = [
    { accessor: 'name', render: (r) => <Mono>{relativeName(r.name, name)}</Mono> },
    { accessor: 'type', width: 104, render: (r) => <Badge variant="outline" radius="sm" color="gray">{r.type}</Badge> },
    { accessor: 'ttl', title: 'TTL', width: 90, textAlign: 'right', render: (r) => <Mono dimmed>{r.ttl}</Mono> },
    {
      accessor: 'records',
      title: 'Content',
      render: (r) => (
        <Stack gap={2}>
          {r.records.map((x) => (
            <Text key={x.content} size="sm" className="mono" td={x.disabled ? 'line-through' : undefined} style={{ wordBreak: 'break-all' }}>
              {x.content}
            </Text>
          ))}
        </Stack>
      ),
    },
    {
      accessor: 'actions',
      title: '',
      width: 90,
      textAlign: 'right',
      render: (r) =>
        !isEditableType(r.type) ? (
          <Tooltip label={`${r.type} records are managed by the name server`}>
            <IconLock size={16} color="var(--mantine-color-gray-5)" aria-label="Managed by the name server" />
          </Tooltip>
        ) : (
          <RowActions>
            {can('dns.write') && (
              <Tooltip label={`Edit ${r.type} ${relativeName(r.name, name)}`}>
                <ActionIcon variant="subtle" onClick={() => setEditing(r)} aria-label={`Edit ${r.type} ${relativeName(r.name, name)}`}>
                  <IconPencil size={16} />
                </ActionIcon>
              </Tooltip>
            )}
            <ConfirmAction
              permission="dns.write"
              label="Delete"
              target={`${r.type} ${relativeName(r.name, name)}`}
              title={`Delete ${r.type} ${r.name}?`}
              iconOnly
              color="red"
              icon={<IconTrash size={16} />}
              message={`Removes ${r.records.length} record${r.records.length === 1 ? '' : 's'} from ${name}.`}
              run={() => api.patch(`/dns/zones/${zone.id}/records`, { serial: currentSerial(), changes: [{ name: r.name, type: r.type, changetype: 'DELETE' }] } satisfies DnsPatchBody)}
              invalidate={[zoneKey(zone.id)]}
            />
          </RowActions>
        ),
    },
  ];

  return (
    <Stack gap="sm">
      <Group justify="space-between" gap="sm">
        <Group gap="sm">
          <SegmentedControl size="xs" data={types.map((t) => ({ value: t, label: t === 'ALL' ? 'All' : t }))} value={typeFilter} onChange={setTypeFilter} aria-label="Record type" />
          <TextInput size="xs" aria-label="Search records" placeholder="Search records" leftSection={<IconSearch size={14} />} value={search} onChange={(e) => setSearch(e.currentTarget.value)} />
        </Group>
        {can('dns.write') && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
            Add record
          </Button>
        )}
      </Group>
      <Paper withBorder radius="md" style={{ overflow: 'hidden' }}>
        <DataTable<Rrset>
          aria-label={`Records of ${name}`}
          records={rows}
          columns={columns}
          idAccessor={(r) => `${r.name}|${r.type}`}
          minHeight={rows.length ? undefined : 160}
          noRecordsText={rrsets.length ? 'No records match' : 'This zone has no records'}
          striped
          highlightOnHover
          verticalAlign="top"
        />
      </Paper>
      {editing && (
        <RrsetModal
          zone={zone}
          zoneName={name}
          rrset={editing === 'new' ? undefined : editing}
          currentSerial={currentSerial}
          onClose={() => setEditing(null)}
          onConflict={reload}
          onSaved={() => setEditing(null)}
        />
      )}
    </Stack>
  );
}

export function ZonePage() {
  const { id } = useParams();
  const navigate = useNavigate();
  const query = useDetail<DnsZoneDetail>('dns', '/dns/zones', id);
  return (
    <DetailPage
      query={query}
      noun="DNS zone"
      back={{ to: '/dns', label: 'DNS zones' }}
      title={(z) => <Mono>{zoneName(z)}</Mono>}
      description={(z) => `Serial ${z.serial ?? z.soaSerial ?? '—'} · last synced ${z.lastSyncAt ? dateTime(z.lastSyncAt) : 'never'}${z.pdns.dnssec ? ' · DNSSEC' : ''}`}
      badges={(z) => <SyncBadge zone={z} />}
      actions={(z) => (
        <>
          {z.domainId && (
            <Button variant="subtle" component={Link} to={`/domains/${z.domainId}`}>
              Domain
            </Button>
          )}
          <ZoneActions zone={z} onDeleted={() => navigate('/dns')} />
        </>
      )}
    >
      {(z) =>
        z.rrsets && z.serial !== null ? (
          <RecordsTable zone={z} rrsets={z.rrsets} serial={z.serial} />
        ) : z.pdns.status === 'missing' ? (
          <Alert color="yellow" variant="light" title="Not on the name servers yet">
            PowerDNS has no zone {zoneName(z)}: its provisioning job has not run or has failed. Sync it to publish the default records, then edit them here.
          </Alert>
        ) : (
          <Alert color="red" variant="light" title="The name servers did not answer">
            The records cannot be read or changed right now{z.pdns.error ? ` (${z.pdns.error})` : ''}. Try again in a moment.
          </Alert>
        )
      }
    </DetailPage>
  );
}

