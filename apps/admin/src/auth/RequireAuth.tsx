import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { Button, Center, Loader, Stack, Text } from '@mantine/core';
import { describeError } from '@/api/errors';
import { useAuth } from './AuthProvider';

/** Sends anyone without a session to sign-in, remembering where they were going. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { signedIn, me, meError, loadingMe, api, signOut } = useAuth();
  const location = useLocation();
  if (!signedIn) {
    const next = `${location.pathname}${location.search}`;
    const params = new URLSearchParams();
    if (next !== '/') params.set('next', next);
    if (api.lastSessionEnd() === 'expired') params.set('expired', '1');
    const qs = params.toString();
    return <Navigate to={`/sign-in${qs ? `?${qs}` : ''}`} replace />;
  }
  if (loadingMe) {
    return (
      <Center h="100vh">
        <Loader aria-label="Loading your session" />
      </Center>
    );
  }
  if (!me) {
    return (
      <Center h="100vh">
        <Stack align="center">
          <Text>Could not load your account: {describeError(meError)}</Text>
          <Button onClick={() => window.location.reload()}>Try again</Button>
          <Button variant="subtle" onClick={() => void signOut()}>
            Sign out
          </Button>
        </Stack>
      </Center>
    );
  }
  return <>{children}</>;
}

/** Only same-site paths are followed after sign-in, never another origin. */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next.startsWith('/sign-in')) return '/';
  return next;
}
