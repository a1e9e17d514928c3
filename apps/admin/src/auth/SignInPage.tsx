import { useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { Alert, Button, Center, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { IconAlertCircle, IconClockHour4, IconServerBolt } from '@tabler/icons-react';
import { loginBody } from '@/api/contracts';
import { ApiError, describeError, isApiError } from '@/api/errors';
import { applyServerErrors, PasswordField, TextField, useZodForm } from '@/lib/forms';
import { useAuth } from './AuthProvider';
import { safeNext } from './RequireAuth';

export function SignInPage() {
  const { signIn, signedIn } = useAuth();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const next = safeNext(params.get('next'));
  const expired = params.get('expired') === '1';
  const [error, setError] = useState<{ kind: 'credentials' | 'rate' | 'other'; message: string } | null>(null);
  const form = useZodForm(loginBody, { defaultValues: { email: '', password: '' } });

  if (signedIn && !form.formState.isSubmitting) return <Navigate to={next} replace />;

  const submit = form.handleSubmit(async (values) => {
    setError(null);
    try {
      await signIn(values);
      navigate(next, { replace: true });
    } catch (err) {
      if (isApiError(err) && err.status === 429) setError({ kind: 'rate', message: describeError(err) });
      else if (isApiError(err) && err.status === 401) {
        setError({ kind: 'credentials', message: err.message || 'Email or password is incorrect' });
        form.setFocus('password');
      } else if (err instanceof ApiError && err.status === 400) {
        if (!applyServerErrors(form, err).length) return;
        setError({ kind: 'other', message: err.message });
      } else setError({ kind: 'other', message: describeError(err) });
    }
  });

  return (
    <Center mih="100vh" bg="var(--mantine-color-gray-0)" p="md">
      <Stack w="100%" maw={400} gap="lg">
        <Group gap={8} justify="center">
          <IconServerBolt size={32} color="var(--mantine-primary-color-filled)" aria-hidden />
          <Title order={1} size="h2">
            mPanel
          </Title>
        </Group>
        <Paper withBorder shadow="sm" radius="md" p="xl">
          <form onSubmit={submit} noValidate aria-labelledby="sign-in-title">
            <Stack gap="md">
              <div>
                <Title order={2} size="h4" id="sign-in-title">
                  Sign in
                </Title>
                <Text size="sm" c="dimmed">
                  Staff access to the control panel
                </Text>
              </div>
              {expired && !error && (
                <Alert color="blue" variant="light" icon={<IconClockHour4 size={18} />}>
                  Your session has ended. Sign in again to continue where you were.
                </Alert>
              )}
              {error && (
                <Alert
                  color={error.kind === 'rate' ? 'orange' : 'red'}
                  variant="light"
                  role="alert"
                  icon={error.kind === 'rate' ? <IconClockHour4 size={18} /> : <IconAlertCircle size={18} />}
                  title={error.kind === 'rate' ? 'Too many attempts' : error.kind === 'credentials' ? 'Sign-in failed' : undefined}
                >
                  {error.message}
                </Alert>
              )}
              <TextField control={form.control} name="email" label="Email" type="email" autoComplete="username" required data-autofocus autoFocus />
              <PasswordField control={form.control} name="password" label="Password" autoComplete="current-password" required />
              <Button type="submit" fullWidth loading={form.formState.isSubmitting} disabled={error?.kind === 'rate' && form.formState.isSubmitting}>
                Sign in
              </Button>
            </Stack>
          </form>
        </Paper>
      </Stack>
    </Center>
  );
}
