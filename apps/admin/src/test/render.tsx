import type { ReactNode } from 'react';
import { MemoryRouter } from 'react-router';
import { render } from '@testing-library/react';
import { AppProviders } from '@/App';
import { createApiClient } from '@/api/client';
import { createQueryClient } from '@/api/query';
import { memoryStore, type Tokens } from '@/api/session';
import { fakeApi } from './fake-api';

export const ADMIN_PERMISSIONS = ['dashboard.read', 'dns.read', 'dns.write', 'dns.delete', 'plans.read', 'plans.write', 'jobs.read'];

/** The app's providers around `ui`, talking to an in-memory API; returns the API to inspect calls. */
export function renderWithApp(ui: ReactNode, opts: { signedIn?: boolean; permissions?: string[]; route?: string } = {}) {
  const server = fakeApi();
  server.on((c) =>
    c.url.endsWith('/auth/me')
      ? {
          status: 200,
          body: {
            user: { id: 'u1', email: 'a@example.test', displayName: 'A', role: 'ADMIN', tenantId: 't1', lastLoginAt: null },
            tenant: { id: 't1', name: 'Tenant', slug: 'tenant' },
            permissions: opts.permissions ?? ADMIN_PERMISSIONS,
          },
        }
      : undefined,
  );
  let initial: Tokens | null = null;
  if (opts.signedIn !== false) {
    const t = server.issue();
    initial = { token: t.token, refreshToken: t.refreshToken, expiresAt: Date.now() + 900_000 };
  }
  const api = createApiClient({ store: memoryStore(initial), fetch: server.fetch });
  const queryClient = createQueryClient(() => undefined);
  const result = render(
    <AppProviders api={api} queryClient={queryClient}>
      <MemoryRouter initialEntries={[opts.route ?? '/']}>{ui}</MemoryRouter>
    </AppProviders>,
  );
  return { ...result, server, api, queryClient };
}
