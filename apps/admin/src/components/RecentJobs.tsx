import { Text } from '@mantine/core';
import { DataTable } from 'mantine-datatable';
import { humanize } from '@/lib/format';
import { RecordLink, When } from './common';
import { StatusBadge } from './StatusBadge';

export interface JobSummary {
  id: string;
  type: string;
  status: string;
  attempts?: number;
  lastError?: string | null;
  createdAt: string;
  finishedAt?: string | null;
}

/** The jobs a record's detail page lists (its provisioning, actions, runs), newest first. */
export function RecentJobs({ jobs, label = 'Jobs' }: { jobs: JobSummary[]; label?: string }) {
  return (
    <DataTable
      aria-label={label}
      withTableBorder={false}
      minHeight={jobs.length ? undefined : 120}
      records={jobs}
      noRecordsText="No jobs yet"
      columns={[
        { accessor: 'type', render: (j) => <RecordLink to={`/jobs/${j.id}`}>{humanize(j.type)}</RecordLink> },
        { accessor: 'status', render: (j) => <StatusBadge status={j.status} spin /> },
        { accessor: 'attempts', textAlign: 'right', render: (j) => j.attempts ?? '—' },
        {
          accessor: 'lastError',
          title: 'Last error',
          render: (j) => (
            <Text size="sm" c="red" lineClamp={1} maw={340}>
              {j.status === 'SUCCESS' ? '' : (j.lastError ?? '')}
            </Text>
          ),
        },
        { accessor: 'createdAt', title: 'Started', render: (j) => <When at={j.createdAt} /> },
      ]}
    />
  );
}
