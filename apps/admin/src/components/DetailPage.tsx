import type { ReactNode } from 'react';
import { Skeleton, Stack } from '@mantine/core';
import { keepPreviousData, useQuery, type UseQueryResult } from '@tanstack/react-query';
import type { QueryParams } from '@/api/client';
import { isApiError } from '@/api/errors';
import { useApi } from '@/auth/AuthProvider';
import { LoadError } from './ResourceList';
import { PageHeader } from './PageHeader';

export const detailKey = (key: string, id: string | undefined) => [key, 'detail', id] as const;

/** One record from `GET <path>/<id>`; polls while `poll(record)` says it is still moving. */
export function useDetail<T>(key: string, path: string, id: string | undefined, poll?: (record: T) => number | false, query?: QueryParams) {
  const api = useApi();
  return useQuery({
    queryKey: query ? [...detailKey(key, id), query] : detailKey(key, id),
    queryFn: ({ signal }) => api.get<T>(`${path}/${encodeURIComponent(id ?? '')}`, { signal, query }),
    placeholderData: query ? keepPreviousData : undefined,
    enabled: !!id,
    meta: { quiet: [404] },
    refetchInterval: poll ? (q) => (q.state.data ? poll(q.state.data) : false) : undefined,
  });
}

/**
 * The frame of every detail screen: back link, title with status badges, the actions the role
 * may take, and loading / not-found / error states, so modules only describe the record.
 */
export function DetailPage<T>({
  query,
  back,
  noun,
  title,
  description,
  badges,
  actions,
  children,
}: {
  query: UseQueryResult<T>;
  back: { to: string; label: string };
  noun: string;
  title: (record: T) => ReactNode;
  description?: (record: T) => ReactNode;
  badges?: (record: T) => ReactNode;
  actions?: (record: T) => ReactNode;
  children: (record: T) => ReactNode;
}) {
  if (query.isPending) {
    return (
      <Stack aria-busy="true" aria-label={`Loading ${noun}`}>
        <PageHeader back={back} title={<Skeleton h={28} w={260} />} />
        <Skeleton h={180} radius="md" />
        <Skeleton h={120} radius="md" />
      </Stack>
    );
  }
  if (query.isError) {
    const notFound = isApiError(query.error) && query.error.status === 404 && query.error.code !== 'ROUTE_NOT_FOUND';
    return (
      <Stack>
        <PageHeader back={back} title={notFound ? `${noun.charAt(0).toUpperCase() + noun.slice(1)} not found` : `Could not load this ${noun}`} />
        {notFound ? (
          <LoadError what={noun} error={query.error} />
        ) : (
          <LoadError what={`this ${noun}`} error={query.error} onRetry={() => void query.refetch()} />
        )}
      </Stack>
    );
  }
  const record = query.data as T;
  return (
    <Stack gap="md">
      <PageHeader back={back} title={title(record)} description={description?.(record)} badges={badges?.(record)} actions={actions?.(record)} />
      {children(record)}
    </Stack>
  );
}
