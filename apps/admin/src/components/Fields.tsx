import type { ReactNode } from 'react';
import { DataList, Paper, Title } from '@mantine/core';

export type FieldRow = [label: string, value: ReactNode] | false | null | undefined | '' | 0;

/** Label/value pairs of a record, as a description list (readable by screen readers). */
export function Fields({ rows, title, labelWidth = 170 }: { rows: FieldRow[]; title?: string; labelWidth?: number }) {
  return (
    <Paper withBorder radius="md" p="md">
      {title && (
        <Title order={3} size="h5" mb="sm">
          {title}
        </Title>
      )}
      <DataList withDivider labelWidth={labelWidth} size="sm">
        {rows.filter((r): r is [string, ReactNode] => !!r).map(([label, value]) => (
          <DataList.Item key={label}>
            <DataList.ItemLabel>{label}</DataList.ItemLabel>
            <DataList.ItemValue>{value === null || value === undefined || value === '' ? '—' : value}</DataList.ItemValue>
          </DataList.Item>
        ))}
      </DataList>
    </Paper>
  );
}

export function Section({ title, actions, children }: { title: ReactNode; actions?: ReactNode; children: ReactNode }) {
  return (
    <Paper withBorder radius="md" p="md">
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 8, marginBottom: 12, flexWrap: 'wrap' }}>
        <Title order={3} size="h5">
          {title}
        </Title>
        {actions}
      </div>
      {children}
    </Paper>
  );
}
