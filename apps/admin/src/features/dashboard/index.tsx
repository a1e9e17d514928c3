import { Grid, Group, Paper, SimpleGrid, Skeleton, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconAlertTriangle, IconCash, IconCreditCard, IconReceipt } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { DataTable } from 'mantine-datatable';
import type { ReactNode } from 'react';
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { JobStatus, type DashboardView } from '@/api/contracts';
import { useApi, useAuth } from '@/auth/AuthProvider';
import { RecordLink, When } from '@/components/common';
import { LoadError } from '@/components/ResourceList';
import { StatusBadge } from '@/components/StatusBadge';
import { PageHeader } from '@/components/PageHeader';
import { humanize, money } from '@/lib/format';
import { JobRetry } from './JobRetry';

function Stat({ label, value, icon, color, hint }: { label: string; value: ReactNode; icon: ReactNode; color: string; hint?: ReactNode }) {
  return (
    <Paper withBorder radius="md" p="md">
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={2}>
          <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
            {label}
          </Text>
          {/* A div: while loading, the value is a Skeleton, which may not sit inside a <p>. */}
          <Text component="div" fz={28} fw={700} lh={1.2}>
            {value}
          </Text>
          {hint && (
            <Text size="xs" c="dimmed">
              {hint}
            </Text>
          )}
        </Stack>
        <ThemeIcon variant="light" color={color} size={40} radius="md" aria-hidden>
          {icon}
        </ThemeIcon>
      </Group>
    </Paper>
  );
}

function Card({ title, children, action }: { title: string; children: ReactNode; action?: ReactNode }) {
  return (
    <Paper withBorder radius="md" p="md">
      <Group justify="space-between" mb="sm">
        <Title order={3} size="h5">
          {title}
        </Title>
        {action}
      </Group>
      {children}
    </Paper>
  );
}

const shortDay = (iso: string) => new Date(`${iso.slice(0, 10)}T00:00:00`).toLocaleDateString(undefined, { month: 'short', day: 'numeric' });

export function DashboardPage() {
  const api = useApi();
  const { me } = useAuth();
  const q = useQuery({
    queryKey: ['dashboard'],
    queryFn: ({ signal }) => api.get<DashboardView>('/dashboard', { signal }),
    refetchInterval: 30_000,
    meta: { quiet: [404] },
  });
  const d = q.data;
  // Revenue is kept per currency; the chart follows the one that earned most.
  const totals = d?.orders.totals.revenueCents ?? {};
  const currency = Object.entries(totals).sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'usd';
  const otherCurrencies = Object.keys(totals).filter((c) => c !== currency && totals[c] > 0);
  const days = d?.orders.perDay ?? [];
  const orders30 = d?.orders.totals.orders ?? 0;
  const revenue30 = totals[currency] ?? 0;
  const jobs: Partial<Record<string, number>> = d?.jobs.byStatus ?? {};
  const failed = d?.jobs.latestFailed ?? [];
  const servers = d?.servers ?? [];
  const loading = q.isPending;
  const v = (x: ReactNode) => (loading ? <Skeleton h={30} w={80} mt={4} /> : (x ?? '—'));

  return (
    <Stack gap="md">
      <PageHeader title="Dashboard" description={me ? `${me.tenant.name} at a glance` : undefined} />
      {q.error && <LoadError what="Dashboard figures" error={q.error} onRetry={() => void q.refetch()} />}
      <SimpleGrid cols={{ base: 1, xs: 2, lg: 4 }}>
        <Stat label="Active subscriptions" value={v(d?.subscriptions.active)} icon={<IconCreditCard size={22} />} color="indigo" />
        <Stat label={`Orders, ${d?.orders.days ?? 30} days`} value={v(d ? orders30 : undefined)} icon={<IconReceipt size={22} />} color="teal" />
        <Stat
          label={`Revenue, ${d?.orders.days ?? 30} days`}
          value={v(d ? money(revenue30, currency) : undefined)}
          icon={<IconCash size={22} />}
          color="green"
          hint={otherCurrencies.length ? `+ ${otherCurrencies.map((c) => money(totals[c], c)).join(', ')}` : undefined}
        />
        <Stat label="Failed jobs" value={v(d ? (jobs.FAILED ?? 0) : undefined)} icon={<IconAlertTriangle size={22} />} color={failed.length ? 'red' : 'gray'} hint={failed.length ? 'need attention' : undefined} />
      </SimpleGrid>

      <Grid>
        <Grid.Col span={{ base: 12, lg: 8 }}>
        <Paper withBorder radius="md" p="md" h="100%">
          <Title order={3} size="h5" mb="sm">
            Orders and revenue, last 30 days
          </Title>
          {loading ? (
            <Skeleton h={260} />
          ) : orders30 > 0 ? (
            <div style={{ width: '100%', height: 260 }} role="img" aria-label={`${orders30} orders and ${money(revenue30, currency)} revenue in the last 30 days`}>
              <ResponsiveContainer>
                <ComposedChart data={days.map((x) => ({ day: shortDay(x.date), orders: x.orders, revenue: (x.revenueCents[currency] ?? 0) / 100 }))} margin={{ top: 8, right: 8, bottom: 0, left: -8 }}>
                  <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="var(--mantine-color-gray-3)" />
                  <XAxis dataKey="day" tick={{ fontSize: 11 }} interval="preserveStartEnd" minTickGap={16} />
                  <YAxis yAxisId="orders" allowDecimals={false} tick={{ fontSize: 11 }} width={40} />
                  <YAxis yAxisId="revenue" orientation="right" tick={{ fontSize: 11 }} width={56} />
                  <Tooltip formatter={(value, key) => (key === 'Revenue' ? money(Math.round(Number(value) * 100), currency) : value)} />
                  <Legend wrapperStyle={{ fontSize: 12 }} />
                  <Bar yAxisId="orders" dataKey="orders" name="Orders" fill="var(--mantine-color-indigo-4)" radius={[3, 3, 0, 0]} isAnimationActive={false} />
                  <Line yAxisId="revenue" dataKey="revenue" name="Revenue" stroke="var(--mantine-color-teal-6)" strokeWidth={2} dot={false} type="monotone" isAnimationActive={false} />
                </ComposedChart>
              </ResponsiveContainer>
            </div>
          ) : (
            <Text c="dimmed" size="sm">
              No orders in the last 30 days.
            </Text>
          )}
        </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
        <Paper withBorder radius="md" p="md" h="100%">
          <Group justify="space-between" mb="sm">
            <Title order={3} size="h5">
              Jobs by status
            </Title>
            <RecordLink to="/jobs">All jobs</RecordLink>
          </Group>
          <Stack gap="xs">
            {Object.values(JobStatus).map((s) => (
              <Group key={s} justify="space-between">
                <RecordLink to={`/jobs?status=${s}`}>
                  <StatusBadge status={s} />
                </RecordLink>
                <Text fw={600}>{loading ? '…' : (jobs[s] ?? 0)}</Text>
              </Group>
            ))}
          </Stack>
        </Paper>
        </Grid.Col>
      </Grid>

      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Card title="Failed jobs needing attention" action={<RecordLink to="/jobs?status=FAILED">See all</RecordLink>}>
          <DataTable
            aria-label="Failed jobs"
            withTableBorder={false}
            height="auto"
            minHeight={failed.length ? undefined : 120}
            records={failed}
            fetching={loading}
            noRecordsText="Nothing has failed"
            columns={[
              { accessor: 'type', render: (j) => <RecordLink to={`/jobs/${j.id}`}>{humanize(j.type)}</RecordLink> },
              { accessor: 'lastError', title: 'Error', render: (j) => <Text size="sm" c="red" lineClamp={2}>{j.lastError ?? '—'}</Text> },
              { accessor: 'finishedAt', title: 'When', render: (j) => <When at={j.finishedAt ?? j.createdAt} /> },
              { accessor: 'actions', title: '', textAlign: 'right', render: (j) => <JobRetry id={j.id} type={j.type} /> },
            ]}
          />
        </Card>
        <Card title="Servers" action={<RecordLink to="/servers">All servers</RecordLink>}>
          <DataTable
            aria-label="Servers and their health"
            withTableBorder={false}
            height="auto"
            minHeight={servers.length ? undefined : 120}
            records={servers}
            fetching={loading}
            noRecordsText="No servers yet"
            columns={[
              { accessor: 'name', render: (s) => <RecordLink to={`/servers/${s.id}`}>{s.name}</RecordLink> },
              { accessor: 'role', render: (s) => humanize(s.role) },
              { accessor: 'accounts', title: 'Load', render: (s) => (s.role === 'WEB' ? `${s.accounts.hosting} sites` : s.role === 'HYPERVISOR' ? `${s.accounts.vps} VPS` : '—') },
              { accessor: 'healthStatus', title: 'Health', render: (s) => <StatusBadge status={s.healthStatus ?? 'UNKNOWN'}>{s.healthStatus ? humanize(s.healthStatus) : 'Not checked'}</StatusBadge> },
              { accessor: 'healthCheckedAt', title: 'Checked', render: (s) => <When at={s.healthCheckedAt} /> },
            ]}
          />
        </Card>
      </SimpleGrid>
    </Stack>
  );
}
