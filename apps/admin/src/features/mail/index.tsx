import { useState } from 'react';
import { useParams } from 'react-router';
import { SimpleGrid } from '@mantine/core';
import { IconBan, IconCheck, IconKey, IconTrash } from '@tabler/icons-react';
import type { DataTableColumn } from 'mantine-datatable';
import { mailAccountBody, type DomainRow, type MailCreated, type MailDetail, type MailPasswordReset, type MailRow, type MailListQuery } from '@/api/contracts';
import { RecentJobs } from '@/components/RecentJobs';
import { Section } from '@/components/Fields';
import { Text } from '@mantine/core';
import { useApi } from '@/auth/AuthProvider';
import { IdTag, Mono, NewButton, RecordLink, RowActions, useOptions, When } from '@/components/common';
import { ConfirmAction } from '@/components/ConfirmAction';
import { DetailPage, useDetail } from '@/components/DetailPage';
import { Fields } from '@/components/Fields';
import { useJobTracker } from '@/components/jobs';
import { OneTimeSecret } from '@/components/OneTimeSecret';
import { PageHeader } from '@/components/PageHeader';
import { ResourceList } from '@/components/ResourceList';
import { StatusBadge } from '@/components/StatusBadge';
import { useResourceList } from '@/components/useResourceList';
import { FormModal, NumberField, PasswordField, SelectField, TextField, useFormMutation, useZodForm } from '@/lib/forms';
import { dateTime, shortId } from '@/lib/format';

const STATUSES = ['ACTIVE', 'DISABLED', 'PENDING'];
const invalidate = [['mail']];

function MailForm({ onClose, onPassword }: { onClose: () => void; onPassword: (email: string, password: string) => void }) {
  const api = useApi();
  const tracker = useJobTracker();
  const domains = useOptions<DomainRow>('domains', '/domains', (d) => d.name);
  const form = useZodForm(mailAccountBody, { defaultValues: {} });
  const domainId = form.watch('domainId');
  const domainName = domains.rows.find((d) => d.id === domainId)?.name;
  const { mutation, formError } = useFormMutation(form, (body: unknown) => api.post<MailCreated>('/mail/accounts', body), {
    invalidate,
    onSuccess: (r) => {
      tracker.track(r.job, { label: `Create mailbox ${r.mailAccount.email}`, invalidate });
      onClose();
      onPassword(r.mailAccount.email, r.password);
    },
  });
  return (
    <FormModal opened onClose={onClose} title="New mailbox" onSubmit={form.handleSubmit((v) => mutation.mutate(v))} submitting={mutation.isPending} submitLabel="Create mailbox" error={formError}>
      <SelectField control={form.control} name="domainId" label="Domain" data={domains.options} searchable required data-autofocus comboboxProps={{ withinPortal: true }} />
      <TextField
        control={form.control}
        name="localPart"
        label="Address"
        placeholder="info"
        required
        rightSection={<Text size="sm" c="dimmed" pr={6}>@{domainName ?? 'domain'}</Text>}
        rightSectionWidth={Math.max(80, ((domainName?.length ?? 6) + 1) * 8 + 12)}
      />
      <NumberField control={form.control} name="quotaMb" label="Quota (MB)" min={1} allowDecimal={false} description="Empty: the mail server's default" />
      <PasswordField control={form.control} name="password" label="Password" description="At least 12 characters. Leave empty to generate one; either way it is shown once." autoComplete="new-password" />
    </FormModal>
  );
}

export function MailActions({ account, iconOnly, onPassword }: { account: MailRow; iconOnly?: boolean; onPassword: (email: string, password: string) => void }) {
  const api = useApi();
  return (
    <>
      <ConfirmAction<MailPasswordReset>
        permission="mail.write"
        label="Reset password"
        target={account.email}
        iconOnly={iconOnly}
        icon={<IconKey size={16} />}
        message="A new password is generated and shown once. Mail clients using the old one stop working."
        run={() => api.post<MailPasswordReset>(`/mail/accounts/${account.id}/reset-password`)}
        invalidate={invalidate}
        onDone={(r) => onPassword(account.email, r.password)}
        disabled={account.status === 'PENDING'}
      />
      {account.status === 'DISABLED' ? (
        <ConfirmAction
          permission="mail.write"
          label="Enable"
          target={account.email}
          iconOnly={iconOnly}
          color="teal"
          icon={<IconCheck size={16} />}
          message="The mailbox receives mail again and its owner can log in."
          run={() => api.post(`/mail/accounts/${account.id}/enable`)}
          invalidate={invalidate}
        />
      ) : (
        <ConfirmAction
          permission="mail.write"
          label="Disable"
          target={account.email}
          iconOnly={iconOnly}
          color="orange"
          icon={<IconBan size={16} />}
          message="The mailbox stops receiving and nobody can log in to it. Its mail is kept."
          run={() => api.post(`/mail/accounts/${account.id}/disable`)}
          invalidate={invalidate}
          disabled={account.status !== 'ACTIVE'}
        />
      )}
      <ConfirmAction
        permission="mail.delete"
        label="Delete"
        target={account.email}
        destructive
        iconOnly={iconOnly}
        icon={<IconTrash size={16} />}
        message="The mailbox and all its mail are deleted from the mail server. This cannot be undone."
        run={() => api.delete(`/mail/accounts/${account.id}`)}
        invalidate={invalidate}
      />
    </>
  );
}

function usePasswordReveal() {
  const [secret, setSecret] = useState<{ email: string; password: string } | null>(null);
  const modal = secret && <OneTimeSecret title={`New password for ${secret.email}`} secret={secret.password} onClose={() => setSecret(null)} />;
  return { show: (email: string, password: string) => setSecret({ email, password }), modal };
}

export function MailPage() {
  const [creating, setCreating] = useState(false);
  const reveal = usePasswordReveal();
  const domains = useOptions<DomainRow>('domains', '/domains', (d) => d.name);
  const list = useResourceList<MailRow, MailListQuery>({ key: 'mail', path: '/mail/accounts', defaultSort: 'createdAt', filters: ['status', 'domainId'] });
  const columns: DataTableColumn<MailRow>[] = [
    { accessor: 'email', sortable: true, render: (m) => <RecordLink to={`/mail/${m.id}`}>{m.email}</RecordLink> },
    { accessor: 'domain', render: (m) => <Mono>{m.domain.name}</Mono> },
    { accessor: 'quotaMb', title: 'Quota', textAlign: 'right', render: (m) => (m.quotaMb ? `${m.quotaMb} MB` : '—') },
    { accessor: 'status', sortable: true, render: (m) => <StatusBadge status={m.status} /> },
    { accessor: 'createdAt', title: 'Created', sortable: true, render: (m) => <When at={m.createdAt} /> },
    { accessor: 'actions', title: '', textAlign: 'right', render: (m) => <RowActions><MailActions account={m} iconOnly onPassword={reveal.show} /></RowActions> },
  ];
  return (
    <>
      <PageHeader title="Mail accounts" description="Mailboxes on the mail server" actions={<NewButton permission="mail.write" label="New mailbox" onClick={() => setCreating(true)} />} />
      <ResourceList
        list={list}
        noun="mail accounts"
        columns={columns}
        search="Address"
        rowHref={(m) => `/mail/${m.id}`}
        filters={[
          { name: 'status', label: 'Status', type: 'select', options: STATUSES },
          { name: 'domainId', label: 'Domain', type: 'select', options: domains.options },
        ]}
      />
      {creating && <MailForm onClose={() => setCreating(false)} onPassword={reveal.show} />}
      {reveal.modal}
    </>
  );
}

export function MailAccountPage() {
  const { id } = useParams();
  const reveal = usePasswordReveal();
  const query = useDetail<MailDetail>('mail', '/mail/accounts', id, (m) => (m.status === 'PENDING' || m.jobs.some((j) => j.status === 'PENDING' || j.status === 'RUNNING') ? 2000 : false));
  return (
    <DetailPage
      query={query}
      noun="mail account"
      back={{ to: '/mail', label: 'Mail accounts' }}
      title={(m) => m.email}
      badges={(m) => <StatusBadge status={m.status} size="lg" />}
      actions={(m) => <MailActions account={m} onPassword={reveal.show} />}
    >
      {(m) => (
        <>
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <Fields
            title="Mailbox"
            rows={[
              ['Id', <IdTag id={m.id} />],
              ['Domain', <RecordLink to={`/domains/${m.domainId}`} mono>{m.domain?.name ?? shortId(m.domainId)}</RecordLink>],
              ['Mailbox path', m.mailbox ? <Mono>{m.mailbox}</Mono> : '—'],
              ['Quota', m.quotaMb ? `${m.quotaMb} MB` : 'Unlimited'],
              ['Created', dateTime(m.createdAt)],
              ['Updated', <When at={m.updatedAt} />],
            ]}
          />
        </SimpleGrid>
        <Section title="Jobs">
          <RecentJobs jobs={m.jobs} />
        </Section>
        {reveal.modal}
        </>
      )}
    </DetailPage>
  );
}
