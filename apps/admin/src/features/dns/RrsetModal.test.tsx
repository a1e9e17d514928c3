import { describe, expect, it, vi } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { DnsZoneDetail } from '@/api/contracts';
import { renderWithApp } from '@/test/render';
import { RrsetModal } from './RrsetModal';

const zone = {
  id: 'zone1',
  tenantId: 't1',
  domainId: 'd1',
  domain: { id: 'd1', name: 'example.com', status: 'ACTIVE', customerId: null },
  pdnsId: null,
  soaSerial: 2026010101,
  isSynced: true,
  lastSyncAt: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  serial: 2026010101,
  pdns: { status: 'ok', name: 'example.com.', kind: 'Native', dnssec: false },
  rrsets: [{ name: 'mail.example.com.', type: 'A', ttl: 3600, records: [{ content: '192.0.2.1', disabled: false }] }],
} satisfies DnsZoneDetail;

function open(props: Partial<Parameters<typeof RrsetModal>[0]> = {}) {
  const onConflict = vi.fn();
  const onSaved = vi.fn();
  const r = renderWithApp(
    <RrsetModal zone={zone} zoneName="example.com" currentSerial={() => zone.serial} onClose={() => undefined} onConflict={onConflict} onSaved={onSaved} {...props} />,
  );
  const patches = () => r.server.calls.filter((c) => c.method === 'PATCH');
  return { ...r, onConflict, onSaved, patches };
}

describe('rrset editor', () => {
  it('shows per-type errors on the field and sends nothing', async () => {
    const user = userEvent.setup();
    const { patches } = open();
    await user.type(await screen.findByLabelText('Name'), 'www');
    await user.type(screen.getByLabelText('Record 1 content'), '999.0.0.1');
    await user.click(screen.getByRole('button', { name: 'Add record' }));
    expect(await screen.findByText(/must be an IPv4 address/)).toBeInTheDocument();
    expect(patches()).toHaveLength(0);
  });

  it('sends a valid rrset as an absolute REPLACE change with the serial it was based on', async () => {
    const user = userEvent.setup();
    const { patches, onSaved } = open();
    await user.type(await screen.findByLabelText('Name'), 'www');
    await user.type(screen.getByLabelText('Record 1 content'), '192.0.2.5');
    await user.click(screen.getByRole('button', { name: 'Add another record' }));
    await user.type(screen.getByLabelText('Record 2 content'), '192.0.2.6');
    await user.click(screen.getByRole('button', { name: 'Add record' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(patches()).toHaveLength(1);
    expect(patches()[0]).toMatchObject({
      url: '/api/dns/zones/zone1/records',
      body: {
        serial: 2026010101,
        changes: [{ name: 'www.example.com.', type: 'A', ttl: 3600, changetype: 'REPLACE', records: [{ content: '192.0.2.5' }, { content: '192.0.2.6' }] }],
      },
    });
  });

  it('renaming an rrset deletes the old one in the same batch', async () => {
    const user = userEvent.setup();
    const { patches, onSaved } = open({ rrset: zone.rrsets[0] });
    const name = await screen.findByLabelText('Name');
    expect(name).toHaveValue('mail');
    await user.clear(name);
    await user.type(name, 'smtp');
    await user.click(screen.getByRole('button', { name: 'Save records' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect((patches()[0].body as { changes: unknown[] }).changes).toEqual([
      { name: 'mail.example.com.', type: 'A', changetype: 'DELETE' },
      { name: 'smtp.example.com.', type: 'A', ttl: 3600, changetype: 'REPLACE', records: [{ content: '192.0.2.1' }] },
    ]);
  });

  it('shows a concurrent edit (409) and asks the page to reload the zone', async () => {
    const user = userEvent.setup();
    const { server, onConflict, onSaved } = open();
    server.on((c) =>
      c.method === 'PATCH' ? { status: 409, body: { error: { code: 'SERIAL_MISMATCH', message: 'The zone changed since serial 2026010101' } } } : undefined,
    );
    await user.type(await screen.findByLabelText('Name'), 'www');
    await user.type(screen.getByLabelText('Record 1 content'), '192.0.2.5');
    await user.click(screen.getByRole('button', { name: 'Add record' }));
    expect(await screen.findByText('The zone changed while you were editing')).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('The zone changed since serial 2026010101');
    expect(onConflict).toHaveBeenCalledTimes(1);
    expect(onSaved).not.toHaveBeenCalled();
  });

  it('puts the API’s own field issues on the record they name', async () => {
    const user = userEvent.setup();
    const { server } = open();
    server.on((c) =>
      c.method === 'PATCH'
        ? { status: 400, body: { error: { code: 'VALIDATION_FAILED', message: 'Invalid input', details: [{ path: 'body.changes.0.records.0.content', message: 'is reserved by the platform' }] } } }
        : undefined,
    );
    await user.type(await screen.findByLabelText('Name'), 'www');
    await user.type(screen.getByLabelText('Record 1 content'), '192.0.2.5');
    await user.click(screen.getByRole('button', { name: 'Add record' }));
    expect(await screen.findByText('is reserved by the platform')).toBeInTheDocument();
  });
});
