import { Box, Code, Group, Stack, Text } from '@mantine/core';
import type { DataTableColumn } from 'mantine-datatable';
import type { AuditRow, auditListQuery } from '@/api/contracts';
import { IdTag, RecordLink, When } from '@/components/common';
import { PageHeader } from '@/components/PageHeader';
import { ResourceList } from '@/components/ResourceList';
import { useResourceList } from '@/components/useResourceList';
import { dayRange } from '@/lib/dates';
import { dateTime, shortId } from '@/lib/format';

const FILTERS = ['action', 'targetType', 'targetId', 'userId', 'from', 'to'] as const;

const TARGET_PATH: Record<string, string> = {
  Order: 'orders',
  Plan: 'plans',
  Product: 'products',
  Customer: 'customers',
  Subscription: 'subscriptions',
  Server: 'servers',
  Domain: 'domains',
  DnsZone: 'dns',
  HostingAccount: 'hosting',
  VpsInstance: 'vps',
  MailAccount: 'mail',
  BackupJob: 'backups',
  Job: 'jobs',
  User: 'users',
};

function Details({ row }: { row: AuditRow }) {
  return (
    <Stack gap={6} p="sm" bg="var(--mantine-color-gray-0)">
      <Group gap="lg">
        <Text size="xs" c="dimmed">
          {dateTime(row.createdAt)}
        </Text>
        {row.ipAddress && <Text size="xs">IP {row.ipAddress}</Text>}
        {row.requestId && (
          <Text size="xs">
            Request <Code>{row.requestId}</Code>
          </Text>
        )}
      </Group>
      {row.userAgent && (
        <Text size="xs" c="dimmed" lineClamp={1}>
          {row.userAgent}
        </Text>
      )}
      <Box component="pre" fz="xs" m={0} style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
        {row.details ? JSON.stringify(row.details, null, 2) : 'No details recorded.'}
      </Box>
    </Stack>
  );
}

export function AuditPage() {
  const list = useResourceList<AuditRow, typeof auditListQuery>({ key: 'audit', path: '/audit', defaultSort: 'createdAt', filters: FILTERS, mapQuery: dayRange });
  const columns: DataTableColumn<AuditRow>[] = [
    { accessor: 'createdAt', title: 'When', sortable: true, width: 140, render: (r) => <When at={r.createdAt} /> },
    { accessor: 'action', sortable: true, render: (r) => <Code>{r.action}</Code> },
    {
      accessor: 'user',
      title: 'By',
      render: (r) => (r.user ? <Text size="sm">{r.user.displayName} <Text span c="dimmed" size="xs">{r.user.email}</Text></Text> : <Text size="sm" c="dimmed">System</Text>),
    },
    {
      accessor: 'target',
      title: 'Target',
      render: (r) =>
        r.targetType ? (
          <Group gap={4} wrap="nowrap">
            <Text size="sm">{r.targetType}</Text>
            {r.targetId &&
              (TARGET_PATH[r.targetType] ? (
                <RecordLink to={`/${TARGET_PATH[r.targetType]}/${r.targetId}`} mono>
                  {shortId(r.targetId)}
                </RecordLink>
              ) : (
                <IdTag id={r.targetId} />
              ))}
          </Group>
        ) : (
          '—'
        ),
    },
    { accessor: 'ipAddress', title: 'IP', visibleMediaQuery: '(min-width: 62em)', render: (r) => <Text size="sm" c="dimmed">{r.ipAddress ?? '—'}</Text> },
  ];
  return (
    <>
      <PageHeader title="Audit log" description="Who changed what, and when. Click a row for its details." />
      <ResourceList
        list={list}
        noun="audit entries"
        columns={columns}
        search={false}
        filters={[
          { name: 'action', label: 'Action', type: 'text', placeholder: 'Action (auth. = all auth.*)' },
          { name: 'targetType', label: 'Target type', type: 'select', options: Object.keys(TARGET_PATH).map((t) => ({ value: t, label: t })) },
          { name: 'targetId', label: 'Target id', type: 'text' },
          { name: 'userId', label: 'User id', type: 'text' },
          { name: 'from', label: 'From', type: 'date' },
          { name: 'to', label: 'To', type: 'date' },
        ]}
        expansion={(r) => <Details row={r} />}
      />
    </>
  );
}
