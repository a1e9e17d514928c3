import { useEffect, useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { Alert, Button, CloseButton, Group, Paper, Select, Stack, TextInput } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { IconAlertTriangle, IconFilterOff, IconRefresh, IconSearch } from '@tabler/icons-react';
import { DataTable, type DataTableColumn, type DataTableSortStatus } from 'mantine-datatable';
import { describeError, isApiError } from '@/api/errors';
import type { ResourceListResult } from './useResourceList';

export type FilterDef =
  | { name: string; label: string; type: 'select'; options: ReadonlyArray<string | { value: string; label: string }> }
  | { name: string; label: string; type: 'text'; placeholder?: string }
  | { name: string; label: string; type: 'date' | 'datetime-local' };

export interface ResourceListProps<Row> {
  list: ResourceListResult<Row>;
  columns: DataTableColumn<Row>[];
  /** What the table lists, for screen readers and the empty state ("plans"). */
  noun: string;
  filters?: FilterDef[];
  search?: string | false;
  rowHref?: (row: Row) => string;
  idAccessor?: keyof Row | ((row: Row) => string);
  toolbar?: ReactNode;
  pageSizes?: number[];
  /** Content shown under a row when it is clicked (instead of opening a detail page). */
  expansion?: (row: Row) => ReactNode;
}

function SearchBox({ value, placeholder, onChange }: { value: string; placeholder: string; onChange: (v: string) => void }) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const push = useDebouncedCallback(onChange, 300);
  return (
    <TextInput
      aria-label="Search"
      placeholder={placeholder}
      leftSection={<IconSearch size={16} aria-hidden />}
      value={text}
      onChange={(e) => {
        setText(e.currentTarget.value);
        push(e.currentTarget.value.trim());
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter') onChange(text.trim());
      }}
      rightSection={text ? <CloseButton size="sm" aria-label="Clear search" onClick={() => { setText(''); onChange(''); }} /> : null}
      w={{ base: '100%', sm: 280 }}
    />
  );
}

function FilterInput({ def, value, onChange }: { def: FilterDef; value: string | undefined; onChange: (v: string | undefined) => void }) {
  if (def.type === 'select') {
    return (
      <Select
        aria-label={def.label}
        placeholder={def.label}
        data={def.options.map((o) => (typeof o === 'string' ? { value: o, label: o.replace(/_/g, ' ').toLowerCase().replace(/^./, (c) => c.toUpperCase()) } : o))}
        value={value ?? null}
        onChange={(v) => onChange(v ?? undefined)}
        clearable
        searchable={def.options.length > 8}
        w={{ base: '100%', xs: 180 }}
        comboboxProps={{ withinPortal: true }}
      />
    );
  }
  if (def.type === 'text') {
    return <DebouncedText label={def.label} placeholder={def.placeholder ?? def.label} value={value ?? ''} onChange={(v) => onChange(v || undefined)} />;
  }
  return (
    <TextInput
      type={def.type}
      aria-label={def.label}
      title={def.label}
      leftSection={<span style={{ fontSize: 11, whiteSpace: 'nowrap' }}>{def.label}</span>}
      leftSectionWidth={def.label.length * 7 + 16}
      value={value ? value.slice(0, def.type === 'date' ? 10 : 16) : ''}
      onChange={(e) => onChange(e.currentTarget.value || undefined)}
      w={{ base: '100%', xs: def.type === 'date' ? 200 : 260 }}
    />
  );
}

function DebouncedText({ label, placeholder, value, onChange }: { label: string; placeholder: string; value: string; onChange: (v: string) => void }) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const push = useDebouncedCallback(onChange, 300);
  return (
    <TextInput
      aria-label={label}
      placeholder={placeholder}
      value={text}
      onChange={(e) => {
        setText(e.currentTarget.value);
        push(e.currentTarget.value.trim());
      }}
      w={{ base: '100%', xs: 180 }}
    />
  );
}

/** Whether a list failed because this API does not offer the route (yet). */
export function isMissingRoute(err: unknown): boolean {
  return isApiError(err) && err.status === 404 && err.code === 'ROUTE_NOT_FOUND';
}

export function LoadError({ error, onRetry, what }: { error: unknown; onRetry?: () => void; what: string }) {
  const missing = isMissingRoute(error);
  return (
    <Alert
      color={missing ? 'gray' : 'red'}
      variant="light"
      icon={<IconAlertTriangle size={18} />}
      title={missing ? `${what} are not available on this server yet` : `Could not load ${what}`}
      role="alert"
    >
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <span>{missing ? 'The API does not offer this section yet. It will appear here once the server is updated.' : describeError(error)}</span>
        {onRetry && (
          <Button size="xs" variant="default" leftSection={<IconRefresh size={14} />} onClick={onRetry}>
            Retry
          </Button>
        )}
      </Group>
    </Alert>
  );
}

/**
 * The table every module lists with: server-side pages, sort, search and filters (all in the
 * URL), a loading veil that keeps the previous page on screen, and clear empty/error states.
 */
export function ResourceList<Row>({
  list,
  columns,
  noun,
  filters = [],
  search = 'Search…',
  rowHref,
  idAccessor,
  toolbar,
  pageSizes = [10, 25, 50, 100],
  expansion,
}: ResourceListProps<Row>) {
  const navigate = useNavigate();
  const { state } = list;
  const anyFilter = state.search !== '' || Object.keys(state.filters).length > 0;
  const sortStatus: DataTableSortStatus<Row> | undefined = state.sort
    ? { columnAccessor: state.sort, direction: state.order }
    : undefined;

  return (
    <Stack gap="sm">
      {(search !== false || filters.length > 0 || toolbar) && (
        <Group justify="space-between" align="flex-end" gap="sm">
          <Group gap="sm" align="flex-end" style={{ flex: 1 }}>
            {search !== false && <SearchBox value={state.search} placeholder={search} onChange={list.setSearch} />}
            {filters.map((f) => (
              <FilterInput key={f.name} def={f} value={state.filters[f.name]} onChange={(v) => list.setFilter(f.name, v)} />
            ))}
            {anyFilter && (
              <Button variant="subtle" size="sm" leftSection={<IconFilterOff size={16} />} onClick={list.clearFilters}>
                Clear
              </Button>
            )}
          </Group>
          {toolbar && <Group gap="sm">{toolbar}</Group>}
        </Group>
      )}
      {list.error && <LoadError error={list.error} what={noun.charAt(0).toUpperCase() + noun.slice(1)} onRetry={() => void list.refetch()} />}
      <Paper withBorder radius="md" style={{ overflow: 'hidden' }}>
        <DataTable<Row>
          aria-label={noun}
          minHeight={list.rows.length ? undefined : 200}
          records={list.rows}
          columns={columns}
          idAccessor={(idAccessor ?? 'id') as never}
          fetching={list.isFetching}
          loaderBackgroundBlur={0.5}
          totalRecords={list.total}
          recordsPerPage={state.pageSize}
          page={state.page}
          onPageChange={list.setPage}
          recordsPerPageOptions={pageSizes}
          onRecordsPerPageChange={list.setPageSize}
          recordsPerPageLabel="Rows per page"
          paginationText={({ from, to, totalRecords }) => `${from}–${to} of ${totalRecords}`}
          sortStatus={sortStatus as DataTableSortStatus<Row>}
          onSortStatusChange={(s) => list.setSort(String(s.columnAccessor), s.direction)}
          noRecordsText={list.error ? `No ${noun} to show` : anyFilter ? `No ${noun} match these filters` : `No ${noun} yet`}
          highlightOnHover
          striped
          verticalSpacing="xs"
          horizontalSpacing="md"
          textSelectionDisabled={false}
          onRowClick={
            rowHref
              ? ({ record, event }) => {
                  const target = event.target as HTMLElement;
                  if (target.closest('a,button,input,[role="button"],[role="menuitem"]')) return;
                  navigate(rowHref(record));
                }
              : undefined
          }
          rowStyle={rowHref || expansion ? () => ({ cursor: 'pointer' }) : undefined}
          rowExpansion={expansion ? { content: ({ record }) => expansion(record) } : undefined}
        />
      </Paper>
    </Stack>
  );
}
