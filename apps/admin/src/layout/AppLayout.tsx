import { Suspense } from 'react';
import { NavLink as RouterNavLink, Outlet, useLocation } from 'react-router';
import { AppShell, Avatar, Badge, Burger, Center, Group, Loader, Menu, NavLink, ScrollArea, Stack, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconChevronDown, IconLogout, IconServerBolt } from '@tabler/icons-react';
import { useAuth } from '@/auth/AuthProvider';
import { JobTray } from '@/components/jobs';
import { humanize } from '@/lib/format';
import { NAV } from '@/nav';

function isActive(pathname: string, to: string) {
  return to === '/' ? pathname === '/' : pathname === to || pathname.startsWith(`${to}/`);
}

export function AppLayout() {
  const [opened, { toggle, close }] = useDisclosure();
  const { me, can, signOut } = useAuth();
  const { pathname } = useLocation();
  const groups = NAV.map((g) => ({ ...g, items: g.items.filter((i) => can(i.permission)) })).filter((g) => g.items.length);

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 232, breakpoint: 'md', collapsed: { mobile: !opened } }}
      padding={{ base: 'sm', sm: 'lg' }}
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="md" size="sm" aria-label={opened ? 'Close navigation' : 'Open navigation'} />
            <Group gap={6} wrap="nowrap">
              <IconServerBolt size={24} color="var(--mantine-primary-color-filled)" aria-hidden />
              <Text fw={700} size="lg">
                mPanel
              </Text>
            </Group>
            {me && (
              <Badge variant="default" visibleFrom="xs" radius="sm">
                {me.tenant.name}
              </Badge>
            )}
          </Group>
          {me && (
            <Menu position="bottom-end" width={220} withArrow>
              <Menu.Target>
                <UnstyledButton aria-label="Account menu" style={{ borderRadius: 8, padding: '4px 6px' }}>
                  <Group gap={8} wrap="nowrap">
                    <Avatar size={30} radius="xl" color="indigo" name={me.user.displayName} />
                    <Stack gap={0} visibleFrom="sm">
                      <Text size="sm" fw={600} lh={1.2}>
                        {me.user.displayName}
                      </Text>
                      <Text size="xs" c="dimmed" lh={1.2}>
                        {humanize(me.user.role)}
                      </Text>
                    </Stack>
                    <IconChevronDown size={14} aria-hidden />
                  </Group>
                </UnstyledButton>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>{me.user.email}</Menu.Label>
                <Menu.Item leftSection={<IconLogout size={16} />} onClick={() => void signOut()}>
                  Sign out
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          )}
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="xs" aria-label="Sections">
        <AppShell.Section grow component={ScrollArea}>
          <nav>
            {groups.map((g) => (
              <Stack key={g.label} gap={2} mb="sm">
                <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt={4} pb={2}>
                  {g.label}
                </Text>
                {g.items.map((item) => (
                  <NavLink
                    key={item.to}
                    component={RouterNavLink}
                    to={item.to}
                    label={item.label}
                    leftSection={<item.icon size={18} stroke={1.6} aria-hidden />}
                    active={isActive(pathname, item.to)}
                    onClick={close}
                    style={{ borderRadius: 6 }}
                  />
                ))}
              </Stack>
            ))}
          </nav>
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main bg="var(--mantine-color-gray-0)">
        <Suspense
          fallback={
            <Center h={240}>
              <Loader aria-label="Loading" />
            </Center>
          }
        >
          <Outlet />
        </Suspense>
        <JobTray />
      </AppShell.Main>
    </AppShell>
  );
}
