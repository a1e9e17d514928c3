import { makeApp, type TestApp } from '../support/app';
import { as, badFields, freshId } from '../support/admin';
import { makeStaff } from '../support/factories';

let t: TestApp;
let staff: Awaited<ReturnType<typeof makeStaff>>;
let viewer: ReturnType<typeof as>;
const rows: Record<string, string> = {};

beforeAll(async () => {
  t = await makeApp();
  staff = await makeStaff(t.c.db, t.app);
  viewer = as(t.app, staff.tokens.READ_ONLY);
  const tenantId = staff.tenant.id;
  const at = (iso: string) => new Date(iso);
  const make = async (key: string, data: { userId?: string; action: string; targetType?: string; targetId?: string; createdAt: Date }) => {
    rows[key] = (await t.c.db.auditLog.create({ data: { tenantId, details: { key }, ...data } })).id;
  };
  await make('planJan', { userId: staff.users.ADMIN.id, action: 'plan.updated', targetType: 'Plan', targetId: 'plan-1', createdAt: at('2001-01-10T12:00:00Z') });
  await make('planFeb', { userId: staff.users.ADMIN.id, action: 'plan.created', targetType: 'Plan', targetId: 'plan-2', createdAt: at('2001-02-10T12:00:00Z') });
  await make('userMar', { userId: staff.users.SUPER_ADMIN.id, action: 'user.role_changed', targetType: 'User', targetId: staff.users.SUPPORT.id, createdAt: at('2001-03-10T12:00:00Z') });
  await make('subApr', { userId: staff.users.BILLING.id, action: 'subscription.cancelled', targetType: 'Subscription', targetId: 'sub-1', createdAt: at('2001-04-10T12:00:00Z') });
});
afterAll(() => t.close());

const keys = (res: { body: { items: Array<{ details: { key?: string } | null }> } }) => res.body.items.map((r) => r.details?.key).filter(Boolean);
// Long before any row written while the test runs (sign-ins), so only the rows above fall in it.
const window = 'from=2001-01-01T00:00:00Z&to=2001-06-30T00:00:00Z';

describe('audit', () => {
  it('filters by actor, action (exact or family), target and date range, newest first', async () => {
    expect(keys(await viewer.get(`/api/audit?${window}`))).toEqual(['subApr', 'userMar', 'planFeb', 'planJan']);
    expect(keys(await viewer.get(`/api/audit?${window}&userId=${staff.users.ADMIN.id}`))).toEqual(['planFeb', 'planJan']);
    expect(keys(await viewer.get(`/api/audit?${window}&action=plan.updated`))).toEqual(['planJan']);
    expect(keys(await viewer.get(`/api/audit?${window}&action=plan.`))).toEqual(['planFeb', 'planJan']);
    expect(keys(await viewer.get(`/api/audit?targetType=User&targetId=${staff.users.SUPPORT.id}`))).toEqual(['userMar']);
    expect(keys(await viewer.get('/api/audit?from=2001-02-01&to=2001-03-31'))).toEqual(['userMar', 'planFeb']);
    expect(keys(await viewer.get(`/api/audit?${window}&order=asc&pageSize=3&page=1`))).toEqual(['planJan', 'planFeb', 'userMar']);
    const page2 = await viewer.get(`/api/audit?${window}&order=asc&pageSize=3&page=2`);
    expect(page2.body).toMatchObject({ total: 4, totalPages: 2 });
    expect(keys(page2)).toEqual(['subApr']);
  });

  it('refuses bad filters with 400 naming them', async () => {
    expect(badFields(await viewer.get('/api/audit?from=yesterday-ish&sort=ip'))).toEqual(['query.from', 'query.sort']);
    expect(badFields(await viewer.get('/api/audit?from=2001-05-01&to=2001-04-01'))).toEqual(['query.to']);
  });

  it('shows one entry with its actor; another tenant’s entry is 404', async () => {
    const res = await viewer.get(`/api/audit/${rows.userMar}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: rows.userMar, action: 'user.role_changed', user: { email: staff.users.SUPER_ADMIN.email } });

    const other = await makeStaff(t.c.db, t.app);
    const theirs = await t.c.db.auditLog.create({ data: { tenantId: other.tenant.id, action: 'plan.updated' } });
    expect((await viewer.get(`/api/audit/${theirs.id}`)).status).toBe(404);
    expect((await viewer.get(`/api/audit/${freshId()}`)).status).toBe(404);
    expect(keys(await as(t.app, other.tokens.ADMIN).get(`/api/audit?${window}`))).toEqual([]);
  });

  it('offers no way to change or delete an entry', async () => {
    const admin = as(t.app, staff.tokens.SUPER_ADMIN);
    for (const res of [
      await admin.post('/api/audit', { action: 'forged' }),
      await admin.patch(`/api/audit/${rows.planJan}`, { action: 'forged' }),
      await admin.delete(`/api/audit/${rows.planJan}`),
    ]) {
      expect(res.status).toBe(404);
    }
    expect((await t.c.db.auditLog.findUniqueOrThrow({ where: { id: rows.planJan } })).action).toBe('plan.updated');
  });
});
