import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { ActionIcon, Anchor, Button, CopyButton, Group, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy, IconPencil, IconPlus } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import type { Action, Page } from '@/api/contracts';
import { useApi, useCan } from '@/auth/AuthProvider';
import { relative, dateTime, shortId } from '@/lib/format';

/** A link to a record; a keyboard user reaches every row through it. */
export function RecordLink({ to, children, mono }: { to: string; children: ReactNode; mono?: boolean }) {
  return (
    <Anchor component={Link} to={to} fw={500} size="sm" className={mono ? 'mono' : undefined}>
      {children}
    </Anchor>
  );
}

export function Mono({ children, dimmed }: { children: ReactNode; dimmed?: boolean }) {
  return (
    <Text component="span" className="mono" c={dimmed ? 'dimmed' : undefined}>
      {children}
    </Text>
  );
}

/** A shortened id that copies the full one. */
export function IdTag({ id }: { id: string | null | undefined }) {
  if (!id) return <>—</>;
  return (
    <CopyButton value={id} timeout={1500}>
      {({ copied, copy }) => (
        <Tooltip label={copied ? 'Copied' : `Copy ${id}`} withArrow>
          <Anchor component="button" type="button" onClick={copy} className="mono" c="dimmed" size="sm" aria-label={`Copy id ${id}`}>
            {shortId(id)} {copied ? <IconCheck size={12} /> : <IconCopy size={12} />}
          </Anchor>
        </Tooltip>
      )}
    </CopyButton>
  );
}

export function When({ at }: { at: string | null | undefined }) {
  if (!at) return <>—</>;
  return (
    <Tooltip label={dateTime(at)} withArrow openDelay={300}>
      <Text component="span" size="sm" style={{ whiteSpace: 'nowrap' }}>
        {relative(at)}
      </Text>
    </Tooltip>
  );
}

export function NewButton({ permission, label, onClick }: { permission: Action; label: string; onClick: () => void }) {
  const can = useCan();
  if (!can(permission)) return null;
  return (
    <Button leftSection={<IconPlus size={16} />} onClick={onClick}>
      {label}
    </Button>
  );
}

export function EditButton({ permission, label, onClick, iconOnly }: { permission: Action; label: string; onClick: () => void; iconOnly?: boolean }) {
  const can = useCan();
  if (!can(permission)) return null;
  if (iconOnly) {
    return (
      <Tooltip label={label} withArrow>
        <ActionIcon variant="subtle" onClick={onClick} aria-label={label}>
          <IconPencil size={16} />
        </ActionIcon>
      </Tooltip>
    );
  }
  return (
    <Button variant="default" leftSection={<IconPencil size={16} />} onClick={onClick}>
      Edit
    </Button>
  );
}

export function RowActions({ children }: { children: ReactNode }) {
  return (
    <Group gap={2} justify="flex-end" wrap="nowrap">
      {children}
    </Group>
  );
}

/** Options for a select of records (products for a plan, servers for a backup…). */
export function useOptions<Row extends { id: string }>(key: string, path: string, label: (r: Row) => string, query: Record<string, string> = {}) {
  const api = useApi();
  const res = useQuery({
    queryKey: [key, 'options', path, query],
    queryFn: ({ signal }) => api.get<Page<Row>>(path, { query: { pageSize: 100, ...query }, signal }),
    staleTime: 60_000,
    meta: { quiet: true },
  });
  return { options: (res.data?.items ?? []).map((r) => ({ value: r.id, label: label(r) })), rows: res.data?.items ?? [], loading: res.isPending, error: res.error };
}
