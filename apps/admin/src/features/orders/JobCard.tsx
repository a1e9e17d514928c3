import { Group, Paper, Stack, Text } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import type { QueryKey } from '@tanstack/react-query';
import type { JobDetail } from '@/api/contracts';
import { useApi } from '@/auth/AuthProvider';
import { RecordLink } from '@/components/common';
import { ConfirmAction } from '@/components/ConfirmAction';
import { JobLogTimeline, JobProgress } from '@/components/jobs';
import { StatusBadge } from '@/components/StatusBadge';
import { humanize } from '@/lib/format';

/** A job with its progress, retry and attempt timeline (order and job pages). */
export function JobCard({ job, invalidate = [], withLogs = true }: { job: Omit<JobDetail, 'order'>; invalidate?: QueryKey[]; withLogs?: boolean }) {
  const api = useApi();
  return (
    <Paper withBorder radius="md" p="md">
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Group gap="xs">
            <RecordLink to={`/jobs/${job.id}`}>{humanize(job.type)}</RecordLink>
            <StatusBadge status={job.status} spin />
          </Group>
          {job.status === 'FAILED' && (
            <ConfirmAction
              permission="jobs.retry"
              label="Retry"
              target={humanize(job.type)}
              icon={<IconRefresh size={16} />}
              size="xs"
              message="The job runs again from where it stopped; steps already done are not repeated."
              run={() => api.post(`/jobs/${job.id}/retry`)}
              invalidate={[['jobs'], ...invalidate]}
            />
          )}
        </Group>
        <JobProgress job={job} />
        {withLogs && (
          <>
            <Text size="xs" fw={600} c="dimmed" tt="uppercase">
              Attempts
            </Text>
            <JobLogTimeline logs={job.logs ?? []} />
          </>
        )}
      </Stack>
    </Paper>
  );
}
