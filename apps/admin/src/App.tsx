import { useMemo, type ReactNode } from 'react';
import { RouterProvider } from 'react-router';
import { MantineProvider } from '@mantine/core';
import { ModalsProvider } from '@mantine/modals';
import { Notifications, notifications } from '@mantine/notifications';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import type { ApiClient } from '@/api/client';
import { createQueryClient, type Notice } from '@/api/query';
import { AuthProvider } from '@/auth/AuthProvider';
import { JobTrackerProvider } from '@/components/jobs';
import { createRouter } from '@/routes';
import { theme } from '@/theme';

const NOTICE_COLOR: Record<Notice['kind'], string> = { error: 'red', forbidden: 'orange', conflict: 'yellow', 'rate-limit': 'orange' };

export function toast(n: Notice) {
  notifications.show({ color: NOTICE_COLOR[n.kind], title: n.title, message: n.message, autoClose: n.kind === 'error' ? 8000 : 5000 });
}

/** Providers shared by the app and component tests. */
export function AppProviders({ api, queryClient, children }: { api: ApiClient; queryClient: QueryClient; children: ReactNode }) {
  return (
    <MantineProvider theme={theme} defaultColorScheme="light">
      <Notifications position="top-right" limit={4} />
      <QueryClientProvider client={queryClient}>
        <AuthProvider api={api}>
          <JobTrackerProvider>
            <ModalsProvider>{children}</ModalsProvider>
          </JobTrackerProvider>
        </AuthProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}

export function App({ api }: { api: ApiClient }) {
  const queryClient = useMemo(() => createQueryClient(toast), []);
  const router = useMemo(() => createRouter(), []);
  return (
    <AppProviders api={api} queryClient={queryClient}>
      <RouterProvider router={router} />
    </AppProviders>
  );
}
