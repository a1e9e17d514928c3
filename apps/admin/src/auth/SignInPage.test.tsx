import { describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { renderWithApp } from '@/test/render';
import { SignInPage } from './SignInPage';

function open(route = '/sign-in?next=%2Forders') {
  return renderWithApp(
    <Routes>
      <Route path="/sign-in" element={<SignInPage />} />
      <Route path="/orders" element={<h1>Orders page</h1>} />
      <Route path="/" element={<h1>Home</h1>} />
    </Routes>,
    { signedIn: false, route },
  );
}

async function submit(email: string, password: string) {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText(/^Email/), email);
  await user.type(screen.getByLabelText(/^Password/), password);
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('sign-in', () => {
  it('checks the fields before sending anything', async () => {
    const { server } = open();
    await submit('not-an-email', 'x');
    expect(await screen.findByText(/email/i, { selector: '.mantine-InputWrapper-error' })).toBeInTheDocument();
    expect(server.calls.filter((c) => c.url.endsWith('/auth/login'))).toHaveLength(0);
  });

  it('shows a refused password inline', async () => {
    const { server } = open();
    server.on((c) => (c.url.endsWith('/auth/login') ? { status: 401, body: { error: { code: 'INVALID_CREDENTIALS', message: 'Email or password is incorrect' } } } : undefined));
    await submit('a@example.test', 'wrong');
    expect(await screen.findByRole('alert')).toHaveTextContent('Email or password is incorrect');
  });

  it('says when sign-in is rate limited', async () => {
    const { server } = open();
    server.on((c) => (c.url.endsWith('/auth/login') ? { status: 429, body: { error: { code: 'RATE_LIMITED', message: 'Too many sign-in attempts, try again in 15 minutes' } } } : undefined));
    await submit('a@example.test', 'whatever');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Too many attempts');
    expect(alert).toHaveTextContent('try again in 15 minutes');
  });

  it('goes back to the page that asked for sign-in, never to another site', async () => {
    open();
    await submit('a@example.test', 'right');
    await waitFor(() => expect(screen.getByRole('heading', { name: 'Orders page' })).toBeInTheDocument());
  });

  it('ignores a next= that points off the site', async () => {
    open('/sign-in?next=%2F%2Fevil.example%2Fx');
    await submit('a@example.test', 'right');
    await waitFor(() => expect(screen.getByRole('heading', { name: 'Home' })).toBeInTheDocument());
  });
});
