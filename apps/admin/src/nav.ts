import {
  IconActivity,
  IconBox,
  IconBuildingSkyscraper,
  IconCloudUpload,
  IconCreditCard,
  IconDashboard,
  IconDeviceDesktop,
  IconListCheck,
  IconMail,
  IconReceipt,
  IconServer,
  IconServer2,
  IconShieldCheck,
  IconSitemap,
  IconTags,
  IconUsers,
  IconUserCircle,
  IconWorld,
  type Icon,
} from '@tabler/icons-react';
import type { Action } from '@/api/contracts';

export interface NavItem {
  to: string;
  label: string;
  icon: Icon;
  /** Shown only to roles that may read it. */
  permission: Action;
}

export interface NavGroup {
  label: string;
  items: NavItem[];
}

export const NAV: NavGroup[] = [
  { label: 'Overview', items: [{ to: '/', label: 'Dashboard', icon: IconDashboard, permission: 'dashboard.read' }] },
  {
    label: 'Sales',
    items: [
      { to: '/customers', label: 'Customers', icon: IconUserCircle, permission: 'customers.read' },
      { to: '/orders', label: 'Orders', icon: IconReceipt, permission: 'orders.read' },
      { to: '/subscriptions', label: 'Subscriptions', icon: IconCreditCard, permission: 'subscriptions.read' },
      { to: '/products', label: 'Products', icon: IconBox, permission: 'products.read' },
      { to: '/plans', label: 'Plans', icon: IconTags, permission: 'plans.read' },
    ],
  },
  {
    label: 'Infrastructure',
    items: [
      { to: '/servers', label: 'Servers', icon: IconServer, permission: 'servers.read' },
      { to: '/domains', label: 'Domains', icon: IconWorld, permission: 'domains.read' },
      { to: '/dns', label: 'DNS zones', icon: IconSitemap, permission: 'dns.read' },
      { to: '/hosting', label: 'Hosting', icon: IconServer2, permission: 'hosting.read' },
      { to: '/vps', label: 'VPS', icon: IconDeviceDesktop, permission: 'vps.read' },
      { to: '/mail', label: 'Mail', icon: IconMail, permission: 'mail.read' },
      { to: '/backups', label: 'Backups', icon: IconCloudUpload, permission: 'backups.read' },
    ],
  },
  {
    label: 'Operations',
    items: [
      { to: '/jobs', label: 'Jobs', icon: IconListCheck, permission: 'jobs.read' },
      { to: '/audit', label: 'Audit log', icon: IconActivity, permission: 'audit.read' },
    ],
  },
  {
    label: 'Administration',
    items: [
      { to: '/users', label: 'Users', icon: IconUsers, permission: 'users.read' },
      { to: '/tenants', label: 'Tenants', icon: IconBuildingSkyscraper, permission: 'tenants.read' },
    ],
  },
];

export const ROLE_ICON = IconShieldCheck;
