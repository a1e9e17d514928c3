import { useParams } from 'react-router';
import { Box, SimpleGrid, Text } from '@mantine/core';
import type { DataTableColumn } from 'mantine-datatable';
import { JobStatus, JobType, type JobDetail, type JobRow, jobListQuery } from '@/api/contracts';
import { IdTag, RecordLink, When } from '@/components/common';
import { DetailPage } from '@/components/DetailPage';
import { Fields, Section } from '@/components/Fields';
import { isJobDone, useJob } from '@/components/jobs';
import { PageHeader } from '@/components/PageHeader';
import { ResourceList } from '@/components/ResourceList';
import { StatusBadge } from '@/components/StatusBadge';
import { useResourceList } from '@/components/useResourceList';
import { dateTime, duration, humanize, shortId } from '@/lib/format';
import { JobCard } from '@/features/orders/JobCard';

export function JobsPage() {
  const list = useResourceList<JobRow, typeof jobListQuery>({
    key: 'jobs',
    path: '/jobs',
    defaultSort: 'createdAt',
    filters: ['status', 'type', 'orderId'],
    // The status column is live while anything on the page is still queued or running.
    refetchInterval: (rows) => ((rows as JobRow[]).some((j) => !isJobDone(j.status)) ? 2000 : false),
  });
  const columns: DataTableColumn<JobRow>[] = [
    { accessor: 'createdAt', title: 'Created', sortable: true, render: (j) => <When at={j.createdAt} /> },
    { accessor: 'type', render: (j) => <RecordLink to={`/jobs/${j.id}`}>{humanize(j.type)}</RecordLink> },
    { accessor: 'status', render: (j) => <StatusBadge status={j.status} spin /> },
    { accessor: 'attempts', textAlign: 'right', render: (j) => `${j.attempts} / ${j.maxAttempts}` },
    { accessor: 'orderId', title: 'Order', render: (j) => (j.order ? <RecordLink to={`/orders/${j.order.id}`} mono>{j.order.domain?.name ?? shortId(j.order.id)}</RecordLink> : '—') },
    {
      accessor: 'lastError',
      title: 'Last error',
      render: (j) => (
        <Text size="sm" c="red" lineClamp={1} maw={360}>
          {j.status === 'SUCCESS' ? '' : (j.lastError ?? '')}
        </Text>
      ),
    },
    { accessor: 'updatedAt', title: 'Updated', sortable: true, visibleMediaQuery: '(min-width: 75em)', render: (j) => <When at={j.updatedAt} /> },
  ];
  return (
    <>
      <PageHeader title="Jobs" description="Everything the workers do on DNS, web, mail and VPS servers. Failed jobs can be retried." />
      <ResourceList
        list={list}
        noun="jobs"
        columns={columns}
        search={false}
        rowHref={(j) => `/jobs/${j.id}`}
        filters={[
          { name: 'status', label: 'Status', type: 'select', options: Object.values(JobStatus) },
          { name: 'type', label: 'Type', type: 'select', options: Object.values(JobType) },
          { name: 'orderId', label: 'Order id', type: 'text' },
        ]}
      />
    </>
  );
}

function Json({ value }: { value: unknown }) {
  return (
    <Box component="pre" fz="xs" m={0} p="xs" bg="var(--mantine-color-gray-0)" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', borderRadius: 6 }}>
      {value === null || value === undefined ? '—' : JSON.stringify(value, null, 2)}
    </Box>
  );
}

export function JobPage() {
  const { id } = useParams();
  const query = useJob(id);
  return (
    <DetailPage<JobDetail>
      query={query}
      noun="job"
      back={{ to: '/jobs', label: 'Jobs' }}
      title={(j) => humanize(j.type)}
      badges={(j) => <StatusBadge status={j.status} size="lg" spin />}
    >
      {(j) => (
        <>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <Fields
              title="Job"
              rows={[
                ['Id', <IdTag id={j.id} />],
                ['Order', j.order ? <RecordLink to={`/orders/${j.order.id}`} mono>{j.order.domain?.name ?? shortId(j.order.id)}</RecordLink> : '—'],
                ['Attempts', `${j.attempts} of ${j.maxAttempts}`],
                ['Created', dateTime(j.createdAt)],
                ['Started', dateTime(j.startedAt)],
                ['Finished', dateTime(j.finishedAt)],
                j.startedAt && j.finishedAt && ['Took', duration(new Date(j.finishedAt).getTime() - new Date(j.startedAt).getTime())],
              ]}
            />
            <Section title="Payload">
              <Json value={j.payload} />
              {j.result !== null && j.result !== undefined && (
                <>
                  <Text size="sm" fw={600} mt="sm" mb={4}>
                    Result
                  </Text>
                  <Json value={j.result} />
                </>
              )}
            </Section>
          </SimpleGrid>
          <JobCard job={j} />
        </>
      )}
    </DetailPage>
  );
}
