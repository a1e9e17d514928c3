import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useSyncExternalStore, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApiClient } from '@/api/client';
import type { Action, LoginBody, MeResponse } from '@/api/contracts';

export interface AuthState {
  api: ApiClient;
  signedIn: boolean;
  me: MeResponse | undefined;
  meError: unknown;
  loadingMe: boolean;
  can: (action: Action) => boolean;
  signIn: (body: LoginBody) => Promise<void>;
  signOut: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export const meKey = ['auth', 'me'] as const;

/** The signed-in user, their tenant and what their role may do (from GET /auth/me). */
export function AuthProvider({ api, children }: { api: ApiClient; children: ReactNode }) {
  const qc = useQueryClient();
  const tokens = useSyncExternalStore(api.store.subscribe, api.store.get, api.store.get);
  const signedIn = tokens !== null;

  const me = useQuery({
    queryKey: meKey,
    queryFn: ({ signal }) => api.get<MeResponse>('/auth/me', { signal }),
    enabled: signedIn,
    staleTime: 5 * 60_000,
    meta: { quiet: true },
  });

  // Whatever the previous user could see must not survive into the next session.
  const wasSignedIn = useRef(signedIn);
  useEffect(() => {
    if (wasSignedIn.current && !signedIn) qc.clear();
    wasSignedIn.current = signedIn;
  }, [signedIn, qc]);

  const permissions = useMemo(() => new Set(me.data?.permissions ?? []), [me.data]);
  const can = useCallback((action: Action) => permissions.has(action), [permissions]);

  const signIn = useCallback(
    async (body: LoginBody) => {
      qc.clear();
      await api.login(body);
    },
    [api, qc],
  );
  const signOut = useCallback(() => api.logout(), [api]);

  const value = useMemo<AuthState>(
    () => ({ api, signedIn, me: me.data, meError: me.error, loadingMe: signedIn && me.isPending, can, signIn, signOut }),
    [api, signedIn, me.data, me.error, me.isPending, can, signIn, signOut],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

export const useCan = () => useAuth().can;
export const useApi = () => useAuth().api;

/** Renders children only when the signed-in role may take `action`. */
export function Can({ action, children, fallback = null }: { action: Action; children: ReactNode; fallback?: ReactNode }) {
  return useCan()(action) ? <>{children}</> : <>{fallback}</>;
}
