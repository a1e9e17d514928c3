import { lazy, type ComponentType, type ReactNode } from 'react';
import { createBrowserRouter, type RouteObject } from 'react-router';
import { Alert, Button, Center, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import type { Action } from '@/api/contracts';
import { useCan } from '@/auth/AuthProvider';
import { RequireAuth } from '@/auth/RequireAuth';
import { SignInPage } from '@/auth/SignInPage';
import { AppLayout } from '@/layout/AppLayout';

type Loader = () => Promise<Record<string, unknown>>;

/** A screen loaded on first visit, so the sign-in page and dashboard stay small. */
function screen(load: Loader, name: string) {
  return lazy(async () => ({ default: (await load())[name] as ComponentType }));
}

function Guard({ permission, children }: { permission: Action; children: ReactNode }) {
  const can = useCan();
  if (!can(permission)) {
    return (
      <Alert color="orange" variant="light" title="Not available for your role" role="alert">
        Your role may not open this section. Ask an administrator if you need access.
      </Alert>
    );
  }
  return <>{children}</>;
}

function NotFoundPage() {
  return (
    <Center h={300}>
      <Stack align="center" gap="xs">
        <Title order={2}>Page not found</Title>
        <Text c="dimmed">There is nothing at this address.</Text>
        <Button component={Link} to="/" variant="light">
          Go to the dashboard
        </Button>
      </Stack>
    </Center>
  );
}

const features = {
  dashboard: () => import('@/features/dashboard'),
  tenants: () => import('@/features/tenants'),
  users: () => import('@/features/users'),
  products: () => import('@/features/products'),
  plans: () => import('@/features/plans'),
  customers: () => import('@/features/customers'),
  orders: () => import('@/features/orders'),
  subscriptions: () => import('@/features/subscriptions'),
  servers: () => import('@/features/servers'),
  domains: () => import('@/features/domains'),
  dns: () => import('@/features/dns'),
  hosting: () => import('@/features/hosting'),
  vps: () => import('@/features/vps'),
  mail: () => import('@/features/mail'),
  backups: () => import('@/features/backups'),
  jobs: () => import('@/features/jobs'),
  audit: () => import('@/features/audit'),
} satisfies Record<string, Loader>;

/** [path, feature, exported component, permission to read it] */
const SCREENS: Array<[string, keyof typeof features, string, Action]> = [
  ['tenants', 'tenants', 'TenantsPage', 'tenants.read'],
  ['users', 'users', 'UsersPage', 'users.read'],
  ['users/:id', 'users', 'UserPage', 'users.read'],
  ['products', 'products', 'ProductsPage', 'products.read'],
  ['products/:id', 'products', 'ProductPage', 'products.read'],
  ['plans', 'plans', 'PlansPage', 'plans.read'],
  ['plans/:id', 'plans', 'PlanPage', 'plans.read'],
  ['customers', 'customers', 'CustomersPage', 'customers.read'],
  ['customers/:id', 'customers', 'CustomerPage', 'customers.read'],
  ['orders', 'orders', 'OrdersPage', 'orders.read'],
  ['orders/:id', 'orders', 'OrderPage', 'orders.read'],
  ['subscriptions', 'subscriptions', 'SubscriptionsPage', 'subscriptions.read'],
  ['subscriptions/:id', 'subscriptions', 'SubscriptionPage', 'subscriptions.read'],
  ['servers', 'servers', 'ServersPage', 'servers.read'],
  ['servers/:id', 'servers', 'ServerPage', 'servers.read'],
  ['domains', 'domains', 'DomainsPage', 'domains.read'],
  ['domains/:id', 'domains', 'DomainPage', 'domains.read'],
  ['dns', 'dns', 'ZonesPage', 'dns.read'],
  ['dns/:id', 'dns', 'ZonePage', 'dns.read'],
  ['hosting', 'hosting', 'HostingPage', 'hosting.read'],
  ['hosting/:id', 'hosting', 'HostingAccountPage', 'hosting.read'],
  ['vps', 'vps', 'VpsListPage', 'vps.read'],
  ['vps/:id', 'vps', 'VpsPage', 'vps.read'],
  ['mail', 'mail', 'MailPage', 'mail.read'],
  ['mail/:id', 'mail', 'MailAccountPage', 'mail.read'],
  ['backups', 'backups', 'BackupsPage', 'backups.read'],
  ['backups/:id', 'backups', 'BackupJobPage', 'backups.read'],
  ['jobs', 'jobs', 'JobsPage', 'jobs.read'],
  ['jobs/:id', 'jobs', 'JobPage', 'jobs.read'],
  ['audit', 'audit', 'AuditPage', 'audit.read'],
];

export function appRoutes(): RouteObject[] {
  const Dashboard = screen(features.dashboard, 'DashboardPage');
  return [
    { path: '/sign-in', element: <SignInPage /> },
    {
      path: '/',
      element: (
        <RequireAuth>
          <AppLayout />
        </RequireAuth>
      ),
      children: [
        { index: true, element: <Guard permission="dashboard.read"><Dashboard /></Guard> },
        ...SCREENS.map(([path, feature, name, permission]) => {
          const Screen = screen(features[feature], name);
          return { path, element: <Guard permission={permission}><Screen /></Guard> };
        }),
        { path: '*', element: <NotFoundPage /> },
      ],
    },
  ];
}

export function createRouter() {
  return createBrowserRouter(appRoutes());
}
