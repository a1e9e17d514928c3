import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { Anchor, Box, CloseButton, Group, Paper, Progress, Stack, Text, Timeline } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconCircleDashed, IconLoader, IconX } from '@tabler/icons-react';
import { useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import type { JobAccepted, JobDetail, JobLogRow } from '@/api/contracts';
import { useApi } from '@/auth/AuthProvider';
import { dateTime, duration, humanize, relative } from '@/lib/format';
import { StatusBadge } from './StatusBadge';

export const JOB_POLL_MS = 1500;
export const isJobDone = (status: string | undefined | null) => status === 'SUCCESS' || status === 'FAILED';
export const jobKey = (id: string) => ['jobs', 'detail', id] as const;

/** A job from `GET /jobs/:id`, polled until it is SUCCESS or FAILED. */
export function useJob(id: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: jobKey(id ?? ''),
    queryFn: ({ signal }) => api.get<JobDetail>(`/jobs/${encodeURIComponent(id ?? '')}`, { signal }),
    enabled: !!id,
    meta: { quiet: [404] },
    refetchInterval: (q) => (q.state.data && isJobDone(q.state.data.status) ? false : JOB_POLL_MS),
  });
}

/** Progress bar of a job: striped while queued, animated while running, full at the end. */
export function JobProgress({ job }: { job: Pick<JobDetail, 'status' | 'attempts' | 'maxAttempts' | 'lastError' | 'startedAt' | 'finishedAt' | 'type'> }) {
  const s = job.status;
  const value = s === 'PENDING' ? 15 : s === 'RUNNING' ? 60 : 100;
  const color = s === 'FAILED' ? 'red' : s === 'SUCCESS' ? 'teal' : 'blue';
  const label =
    s === 'PENDING'
      ? job.attempts > 0
        ? `Waiting to retry (attempt ${job.attempts} of ${job.maxAttempts} failed)`
        : 'Queued'
      : s === 'RUNNING'
        ? `Running — attempt ${job.attempts} of ${job.maxAttempts}${job.startedAt ? `, started ${relative(job.startedAt)}` : ''}`
        : s === 'SUCCESS'
          ? `Done ${job.finishedAt ? relative(job.finishedAt) : ''}`
          : `Failed after ${job.attempts} attempt${job.attempts === 1 ? '' : 's'}`;
  return (
    <Stack gap={4}>
      <Progress
        value={value}
        color={color}
        striped={!isJobDone(s)}
        animated={s === 'RUNNING'}
        aria-label={`${humanize(job.type)}: ${label}`}
        size="md"
        radius="xl"
      />
      <Text size="xs" c={s === 'FAILED' ? 'red' : 'dimmed'}>
        {label}
        {s === 'FAILED' && job.lastError ? ` — ${job.lastError}` : ''}
      </Text>
    </Stack>
  );
}

const LOG_ICON: Record<string, ReactNode> = {
  SUCCESS: <IconCheck size={12} />,
  FAILED: <IconX size={12} />,
  RUNNING: <IconLoader size={12} />,
  PENDING: <IconCircleDashed size={12} />,
};

/** One line per attempt (JobLog), oldest first. */
export function JobLogTimeline({ logs }: { logs: JobLogRow[] }) {
  if (!logs.length) {
    return (
      <Text size="sm" c="dimmed">
        No attempts yet.
      </Text>
    );
  }
  return (
    <Timeline bulletSize={20} lineWidth={2} active={logs.length - 1}>
      {logs.map((log) => (
        <Timeline.Item
          key={log.id}
          bullet={LOG_ICON[log.status]}
          color={log.status === 'FAILED' ? 'red' : log.status === 'SUCCESS' ? 'teal' : 'blue'}
          title={
            <Group gap="xs">
              <Text size="sm" fw={600}>
                Attempt {log.attempt}
              </Text>
              <StatusBadge status={log.status} size="xs" />
            </Group>
          }
        >
          <Text size="sm">{log.message}</Text>
          <Text size="xs" c="dimmed">
            {dateTime(log.createdAt)}
            {log.durationMs !== null ? ` · ${duration(log.durationMs)}` : ''}
          </Text>
          {log.details !== null && log.details !== undefined && (
            <Box component="pre" fz="xs" mt={4} p={6} bg="var(--mantine-color-gray-0)" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', borderRadius: 4, maxHeight: 180, overflow: 'auto' }}>
              {JSON.stringify(log.details, null, 2)}
            </Box>
          )}
        </Timeline.Item>
      ))}
    </Timeline>
  );
}

// ------------------------------------------------------------------ tracker

interface Tracked {
  id: string;
  type: string;
  label: string;
  invalidate: QueryKey[];
}

interface JobTracker {
  /** Follows a 202 answer's job in the tray until it ends, then refreshes `invalidate`. */
  track: (accepted: JobAccepted['job'], opts: { label: string; invalidate?: QueryKey[] }) => void;
}

interface TrayState {
  items: Tracked[];
  dismiss: (id: string) => void;
  onDone: (item: Tracked, status: string) => void;
}

const TrayContext = createContext<TrayState | null>(null);

const TrackerContext = createContext<JobTracker | null>(null);

export function useJobTracker(): JobTracker {
  const ctx = useContext(TrackerContext);
  if (!ctx) throw new Error('useJobTracker outside JobTrackerProvider');
  return ctx;
}

/** `{ job: {...} }` of a 202 answer, if the answer is one. */
export function acceptedJob(res: unknown): JobAccepted['job'] | null {
  const job = (res as Partial<JobAccepted> | null)?.job;
  return job && typeof job.id === 'string' ? job : null;
}

function TrayItem({ item, onDone, onDismiss }: { item: Tracked; onDone: (item: Tracked, status: string) => void; onDismiss: () => void }) {
  const { data, error } = useJob(item.id);
  const reported = useRef(false);
  useEffect(() => {
    if (data && isJobDone(data.status) && !reported.current) {
      reported.current = true;
      onDone(item, data.status);
    }
  }, [data, item, onDone]);
  return (
    <Paper withBorder radius="md" p="sm" shadow="sm" role="status" aria-live="polite">
      <Group justify="space-between" wrap="nowrap" gap="xs" mb={6}>
        <Anchor component={Link} to={`/jobs/${item.id}`} size="sm" fw={600} lineClamp={1}>
          {item.label}
        </Anchor>
        <Group gap={4} wrap="nowrap">
          <StatusBadge status={data?.status ?? 'PENDING'} size="xs" spin />
          <CloseButton size="sm" aria-label={`Hide ${item.label}`} onClick={onDismiss} />
        </Group>
      </Group>
      {data ? (
        <JobProgress job={data} />
      ) : error ? (
        <Text size="xs" c="dimmed">
          Progress unavailable; the job continues on the server.
        </Text>
      ) : (
        <Progress value={10} striped animated size="md" radius="xl" aria-label="Waiting for the job" />
      )}
    </Paper>
  );
}

export function JobTrackerProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const [items, setItems] = useState<Tracked[]>([]);
  const dismiss = useCallback((id: string) => setItems((xs) => xs.filter((x) => x.id !== id)), []);

  const onDone = useCallback(
    (item: Tracked, status: string) => {
      for (const queryKey of item.invalidate) void qc.invalidateQueries({ queryKey });
      void qc.invalidateQueries({ queryKey: ['jobs', 'list'] });
      notifications.show({
        color: status === 'SUCCESS' ? 'teal' : 'red',
        title: status === 'SUCCESS' ? 'Done' : 'Failed',
        message: `${item.label} ${status === 'SUCCESS' ? 'finished' : 'failed — see the job for details'}`,
      });
      if (status === 'SUCCESS') setTimeout(() => dismiss(item.id), 4000);
    },
    [qc, dismiss],
  );

  const tracker = useMemo<JobTracker>(
    () => ({
      track: (job, opts) =>
        setItems((xs) => (xs.some((x) => x.id === job.id) ? xs : [...xs, { id: job.id, type: job.type, label: opts.label, invalidate: opts.invalidate ?? [] }])),
    }),
    [],
  );
  const tray = useMemo<TrayState>(() => ({ items, dismiss, onDone }), [items, dismiss, onDone]);

  return (
    <TrackerContext.Provider value={tracker}>
      <TrayContext.Provider value={tray}>{children}</TrayContext.Provider>
    </TrackerContext.Provider>
  );
}

/** The running actions, bottom right; rendered inside the router (its items link to the job). */
export function JobTray() {
  const tray = useContext(TrayContext);
  if (!tray?.items.length) return null;
  return (
    <Stack gap="xs" aria-label="Running actions" style={{ position: 'fixed', right: 16, bottom: 16, width: 'min(360px, calc(100vw - 32px))', zIndex: 300 }}>
      {tray.items.map((item) => (
        <TrayItem key={item.id} item={item} onDone={tray.onDone} onDismiss={() => tray.dismiss(item.id)} />
      ))}
    </Stack>
  );
}
