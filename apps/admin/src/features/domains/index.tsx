import { useParams } from 'react-router';
import { Badge, Group, SimpleGrid, Tabs } from '@mantine/core';
import { DataTable, type DataTableColumn } from 'mantine-datatable';
import { DOMAIN_STATUSES, type DomainDetail, type DomainRow, type DomainListQuery } from '@/api/contracts';
import { IdTag, Mono, RecordLink, When } from '@/components/common';
import { DetailPage, useDetail } from '@/components/DetailPage';
import { Fields } from '@/components/Fields';
import { PageHeader } from '@/components/PageHeader';
import { ResourceList } from '@/components/ResourceList';
import { StatusBadge } from '@/components/StatusBadge';
import { useResourceList } from '@/components/useResourceList';
import { dateTime, humanize, money, shortId } from '@/lib/format';

/** What a domain has on the platform, at a glance. */
function Services({ d }: { d: DomainRow }) {
  const tags = [
    d.hosting && ['Hosting', d.hosting.status],
    d.vps && ['VPS', d.vps.status],
    d._count.dnsZones > 0 && ['DNS', 'ACTIVE'],
    d._count.mailAccounts > 0 && [`Mail ×${d._count.mailAccounts}`, 'ACTIVE'],
  ].filter((x): x is [string, string] => !!x);
  if (!tags.length) return <>—</>;
  return (
    <Group gap={4}>
      {tags.map(([label, status]) => (
        <StatusBadge key={label} status={status} variant="dot" size="sm">
          {label}
        </StatusBadge>
      ))}
    </Group>
  );
}

export function DomainsPage() {
  const list = useResourceList<DomainRow, DomainListQuery>({ key: 'domains', path: '/domains', defaultSort: 'name', defaultOrder: 'asc', filters: ['status'] });
  const columns: DataTableColumn<DomainRow>[] = [
    { accessor: 'name', sortable: true, render: (d) => <RecordLink to={`/domains/${d.id}`} mono>{d.name}</RecordLink> },
    { accessor: 'customer', render: (d) => (d.customer ? <RecordLink to={`/customers/${d.customer.id}`}>{d.customer.email}</RecordLink> : '—') },
    { accessor: 'status', render: (d) => <StatusBadge status={d.status} /> },
    { accessor: 'services', title: 'On the platform', render: (d) => <Services d={d} /> },
    { accessor: 'createdAt', title: 'Added', sortable: true, render: (d) => <When at={d.createdAt} /> },
  ];
  return (
    <>
      <PageHeader title="Domains" description="Every domain the platform serves DNS, web or mail for" />
      <ResourceList
        list={list}
        noun="domains"
        columns={columns}
        search="Domain or customer email"
        rowHref={(d) => `/domains/${d.id}`}
        filters={[{ name: 'status', label: 'Status', type: 'select', options: [...DOMAIN_STATUSES] }]}
      />
    </>
  );
}

function Table<T>({ label, records, columns, empty }: { label: string; records: T[]; columns: DataTableColumn<T>[]; empty: string }) {
  return (
    <DataTable<T>
      aria-label={label}
      withTableBorder
      borderRadius="md"
      minHeight={records.length ? undefined : 120}
      records={records}
      columns={columns}
      noRecordsText={empty}
      striped
    />
  );
}

export function DomainPage() {
  const { id } = useParams();
  const query = useDetail<DomainDetail>('domains', '/domains', id);
  return (
    <DetailPage
      query={query}
      noun="domain"
      back={{ to: '/domains', label: 'Domains' }}
      title={(d) => <Mono>{d.name}</Mono>}
      badges={(d) => <StatusBadge status={d.status} size="lg" />}
    >
      {(d) => (
        <>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <Fields
              title="Domain"
              rows={[
                ['Id', <IdTag id={d.id} />],
                ['Customer', d.customer ? <RecordLink to={`/customers/${d.customer.id}`}>{d.customer.fullName ? `${d.customer.fullName} <${d.customer.email}>` : d.customer.email}</RecordLink> : '—'],
                ['Automatic DNS', d.autoDns ? 'Yes' : 'No'],
                ['Automatic mail', d.autoMail ? 'Yes' : 'No'],
                ['Added', dateTime(d.createdAt)],
              ]}
            />
            <Fields
              title="Services"
              rows={[
                ['Hosting', d.hosting ? <Group gap="xs"><RecordLink to={`/hosting/${d.hosting.id}`} mono>{d.hosting.systemUser}</RecordLink><StatusBadge status={d.hosting.status} /><Badge variant="default">{d.hosting.server.name}</Badge></Group> : 'None'],
                ['VPS', d.vps ? <Group gap="xs"><RecordLink to={`/vps/${d.vps.id}`}>{d.vps.name}</RecordLink><StatusBadge status={d.vps.status} /></Group> : 'None'],
                ['DNS zones', d.dnsZones.length ? <Group gap="xs">{d.dnsZones.map((z) => <RecordLink key={z.id} to={`/dns/${z.id}`}>{z.isSynced ? 'In sync' : 'Not synced'} · serial {z.soaSerial ?? '—'}</RecordLink>)}</Group> : 'None'],
                ['Mailboxes', String(d._count.mailAccounts)],
              ]}
            />
          </SimpleGrid>
          <Tabs defaultValue="mail" keepMounted={false}>
            <Tabs.List>
              <Tabs.Tab value="mail">Mailboxes ({d._count.mailAccounts})</Tabs.Tab>
              <Tabs.Tab value="orders">Orders ({d._count.orders})</Tabs.Tab>
              <Tabs.Tab value="subscriptions">Subscriptions ({d._count.subscriptions})</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="mail" pt="md">
              <Table
                label="Mailboxes"
                records={d.mailAccounts}
                empty="No mailboxes"
                columns={[
                  { accessor: 'email', render: (m) => <RecordLink to={`/mail/${m.id}`}>{m.email}</RecordLink> },
                  { accessor: 'status', render: (m) => <StatusBadge status={m.status} /> },
                  { accessor: 'quotaMb', title: 'Quota', render: (m) => (m.quotaMb ? `${m.quotaMb} MB` : '—') },
                ]}
              />
            </Tabs.Panel>
            <Tabs.Panel value="orders" pt="md">
              <Table
                label="Orders"
                records={d.orders}
                empty="No orders"
                columns={[
                  { accessor: 'createdAt', title: 'Placed', render: (o) => <When at={o.createdAt} /> },
                  { accessor: 'id', title: 'Order', render: (o) => <RecordLink to={`/orders/${o.id}`} mono>{shortId(o.id)}</RecordLink> },
                  { accessor: 'plan', render: (o) => o.plan.name },
                  { accessor: 'totalAmountCents', title: 'Total', textAlign: 'right', render: (o) => money(o.totalAmountCents, o.currency) },
                  { accessor: 'status', render: (o) => <StatusBadge status={o.status} /> },
                ]}
              />
            </Tabs.Panel>
            <Tabs.Panel value="subscriptions" pt="md">
              <Table
                label="Subscriptions"
                records={d.subscriptions}
                empty="No subscriptions"
                columns={[
                  { accessor: 'id', title: 'Subscription', render: (s) => <RecordLink to={`/subscriptions/${s.id}`} mono>{shortId(s.id)}</RecordLink> },
                  { accessor: 'plan', render: (s) => `${s.plan.name} (${humanize(s.plan.billingCycle)})` },
                  { accessor: 'status', render: (s) => <StatusBadge status={s.status} /> },
                  { accessor: 'currentPeriodEnd', title: 'Period ends', render: (s) => dateTime(s.currentPeriodEnd) },
                ]}
              />
            </Tabs.Panel>
          </Tabs>
        </>
      )}
    </DetailPage>
  );
}
