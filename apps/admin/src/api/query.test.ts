import { describe, expect, it, vi } from 'vitest';
import { ApiError } from './errors';
import { createQueryClient, noticeFor, shouldRetry } from './query';

const err = (status: number, message = 'x') => new ApiError(status, 'CODE', message);

describe('query policy', () => {
  it('never retries what cannot succeed on retry', () => {
    for (const s of [400, 401, 403, 404, 409, 422, 429]) expect(shouldRetry(0, err(s))).toBe(false);
    expect(shouldRetry(0, err(503))).toBe(true);
    expect(shouldRetry(1, err(0))).toBe(true);
    expect(shouldRetry(2, err(500))).toBe(false);
  });

  it('turns errors into the right toast, and 401 into none (sign-in takes over)', () => {
    expect(noticeFor(err(401))).toBeNull();
    expect(noticeFor(err(403, 'Your role (READ_ONLY) may not plans.write'))).toMatchObject({ kind: 'forbidden', message: 'Your role (READ_ONLY) may not plans.write' });
    expect(noticeFor(err(409, 'The plan is in use'))).toMatchObject({ kind: 'conflict', message: 'The plan is in use' });
    expect(noticeFor(err(429, 'Too many requests'))).toMatchObject({ kind: 'rate-limit' });
    expect(noticeFor(new ApiError(0, 'NETWORK', 'x'))).toMatchObject({ title: 'Offline' });
  });

  it('toasts failed queries and mutations unless the screen shows the error itself', async () => {
    const notify = vi.fn();
    const qc = createQueryClient(notify);
    await qc.fetchQuery({ queryKey: ['a'], queryFn: () => Promise.reject(err(403, 'nope')) }).catch(() => undefined);
    expect(notify).toHaveBeenCalledWith(expect.objectContaining({ kind: 'forbidden', message: 'nope' }));

    notify.mockClear();
    await qc.fetchQuery({ queryKey: ['b'], queryFn: () => Promise.reject(err(404)), meta: { quiet: [404] } }).catch(() => undefined);
    expect(notify).not.toHaveBeenCalled();

    const m = qc.getMutationCache().build(qc, { mutationFn: () => Promise.reject(err(409, 'taken')) });
    await m.execute(undefined).catch(() => undefined);
    expect(notify).toHaveBeenCalledWith(expect.objectContaining({ kind: 'conflict', message: 'taken' }));
  });
});
