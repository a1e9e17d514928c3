import type { ReactNode } from 'react';
import { Badge, Loader, type BadgeProps } from '@mantine/core';
import { humanize } from '@/lib/format';

const COLORS: Record<string, string> = {
  // healthy / done
  ACTIVE: 'teal',
  SUCCESS: 'teal',
  PAID: 'teal',
  HEALTHY: 'teal',
  OK: 'teal',
  UP: 'teal',
  SYNCED: 'teal',
  // in motion
  RUNNING: 'blue',
  PENDING: 'yellow',
  PENDING_SETUP: 'yellow',
  PENDING_TRANSFER: 'yellow',
  TRIALING: 'cyan',
  DEGRADED: 'yellow',
  // paused
  SUSPENDED: 'orange',
  PAST_DUE: 'orange',
  DISABLED: 'gray',
  STOPPED: 'gray',
  INACTIVE: 'gray',
  UNKNOWN: 'gray',
  REFUNDED: 'grape',
  // ended or broken
  FAILED: 'red',
  CANCELLED: 'red',
  TERMINATED: 'red',
  DOWN: 'red',
  UNHEALTHY: 'red',
  ERROR: 'red',
};

/** The status colour every table and page agrees on; RUNNING jobs spin. */
/** `children` replaces the label (e.g. "DNS" coloured by its job's status). */
export function StatusBadge({ status, spin, children, ...props }: { status: string | null | undefined; spin?: boolean; children?: ReactNode } & BadgeProps) {
  const key = (status ?? 'UNKNOWN').toUpperCase();
  const color = COLORS[key] ?? 'gray';
  return (
    <Badge
      color={color}
      variant="light"
      radius="sm"
      leftSection={spin && key === 'RUNNING' ? <Loader size={10} color={color} aria-hidden /> : undefined}
      {...props}
    >
      {children ?? humanize(status ?? 'unknown')}
    </Badge>
  );
}

export function ActiveBadge({ active }: { active: boolean | null | undefined }) {
  return <StatusBadge status={active ? 'ACTIVE' : 'INACTIVE'} />;
}
