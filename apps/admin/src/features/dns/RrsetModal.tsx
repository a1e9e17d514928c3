import { useState } from 'react';
import { ActionIcon, Alert, Button, Group, NumberInput, Select, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useFieldArray, useController } from 'react-hook-form';
import type { DnsPatchBody, DnsZoneDetail, Rrset } from '@/api/contracts';
import { isApiError } from '@/api/errors';
import { useApi } from '@/auth/AuthProvider';
import { acceptedJob, useJobTracker } from '@/components/jobs';
import { FormModal, useFormMutation, useZodForm } from '@/lib/forms';
import { absoluteName, HINT, isEditableType, PLACEHOLDER, RECORD_TYPES, relativeName, rrsetDraftSchema, toReplace, type RecordType, type RrsetDraft } from './rrset-validation';

export interface RrsetModalProps {
  zone: DnsZoneDetail;
  zoneName: string;
  /** The rrset being edited; absent for a new one. */
  rrset?: Rrset;
  /** The latest serial at submit time (the zone may have been reloaded meanwhile). */
  currentSerial: () => number;
  onClose: () => void;
  /** Called after a 409 so the page reloads the zone. */
  onConflict: () => void;
  onSaved: () => void;
}

export const zoneKey = (id: string) => ['dns', 'detail', id] as const;

/** Adds or edits one rrset: per-type checks on every record before anything is sent. */
export function RrsetModal({ zone, zoneName, rrset, currentSerial, onClose, onConflict, onSaved }: RrsetModalProps) {
  const api = useApi();
  const tracker = useJobTracker();
  const [conflict, setConflict] = useState<string | null>(null);
  const form = useZodForm(rrsetDraftSchema(zoneName), {
    defaultValues: rrset
      ? {
          name: relativeName(rrset.name, zoneName),
          type: (isEditableType(rrset.type) ? rrset.type : 'A') as RecordType,
          ttl: rrset.ttl,
          records: rrset.records.map((r) => ({ content: r.content })),
        }
      : { name: '', type: 'A', ttl: 3600, records: [{ content: '' }] },
    mode: 'onBlur',
  });
  const records = useFieldArray({ control: form.control, name: 'records' });
  const type = useController({ control: form.control, name: 'type' });
  const name = useController({ control: form.control, name: 'name' });
  const ttl = useController({ control: form.control, name: 'ttl' });
  const recordsError = form.formState.errors.records?.root?.message ?? form.formState.errors.records?.message;

  const { mutation, formError } = useFormMutation(
    form,
    (changes: DnsPatchBody['changes']) => api.patch<unknown>(`/dns/zones/${zone.id}/records`, { serial: currentSerial(), changes } satisfies DnsPatchBody),
    {
      invalidate: [zoneKey(zone.id)],
      onSuccess: (res) => {
        const job = acceptedJob(res);
        const label = `${rrset ? 'Update' : 'Add'} ${form.getValues('type')} ${form.getValues('name') || '@'}`;
        if (job) tracker.track(job, { label, invalidate: [zoneKey(zone.id), ['dns', 'list']] });
        onSaved();
      },
    },
  );

  const submit = form.handleSubmit((draft: RrsetDraft) => {
    setConflict(null);
    const replace = toReplace(draft, zoneName);
    const changes: DnsPatchBody['changes'] = [replace];
    // A renamed or retyped rrset replaces the old one: delete it in the same batch.
    if (rrset && (rrset.name !== replace.name || rrset.type !== replace.type)) changes.unshift({ name: rrset.name, type: rrset.type, changetype: 'DELETE' });
    const mine = changes.length - 1;
    mutation.mutate(changes, {
      onError: (err) => {
        if (!isApiError(err)) return;
        if (err.status === 409) {
          setConflict(err.message);
          onConflict();
        }
        // The API names issues by change: `body.changes.1.records.0.content` → this form's field.
        for (const issue of err.fieldIssues) {
          const m = /^(?:body\.)?changes\.(\d+)\.(.+)$/.exec(issue.path);
          if (m && Number(m[1]) === mine) form.setError(m[2] as 'name', { type: 'server', message: issue.message });
        }
      },
    });
  });

  const t = type.field.value as RecordType;
  return (
    <FormModal
      opened
      onClose={onClose}
      title={rrset ? `Edit ${rrset.type} ${relativeName(rrset.name, zoneName)}` : `Add a record to ${zoneName}`}
      onSubmit={submit}
      submitting={mutation.isPending}
      submitLabel={rrset ? 'Save records' : 'Add record'}
      error={conflict ? null : formError}
      size="lg"
    >
      {conflict && (
        <Alert color="yellow" variant="light" role="alert" title="The zone changed while you were editing">
          <Text size="sm">{conflict}</Text>
          <Text size="sm" mt={4}>
            The table behind now shows the latest records. Check them, then save again to apply your change on top.
          </Text>
        </Alert>
      )}
      <TextInput
        label="Name"
        description={`Relative to ${zoneName}; @ for the apex`}
        placeholder="www"
        value={name.field.value ?? ''}
        onChange={(e) => name.field.onChange(e.currentTarget.value)}
        onBlur={name.field.onBlur}
        error={name.fieldState.error?.message}
        classNames={{ input: 'mono' }}
        data-autofocus
      />
      <Text size="xs" c="dimmed" mt={-6} aria-live="polite">
        Full name: <span className="mono">{absoluteName(name.field.value ?? '', zoneName)}</span>
      </Text>
      <Group grow align="flex-start">
        <Select
          label="Type"
          description={HINT[t]}
          data={RECORD_TYPES.map((x) => ({ value: x, label: x }))}
          value={t}
          onChange={(v) => v && type.field.onChange(v)}
          allowDeselect={false}
          comboboxProps={{ withinPortal: true }}
        />
        <NumberInput
          label="TTL (seconds)"
          description="60 to 604800"
          value={ttl.field.value ?? ''}
          onChange={(v) => ttl.field.onChange(v === '' ? undefined : Number(v))}
          onBlur={ttl.field.onBlur}
          error={ttl.fieldState.error?.message}
          min={60}
          max={604800}
          step={300}
          allowDecimal={false}
        />
      </Group>
      <Stack gap={6}>
        <Text size="sm" fw={500}>
          Records
        </Text>
        {records.fields.map((f, i) => (
          <RecordInput key={f.id} index={i} type={t} form={form} onRemove={records.fields.length > 1 ? () => records.remove(i) : undefined} />
        ))}
        {recordsError && (
          <Text size="xs" c="red" role="alert">
            {recordsError}
          </Text>
        )}
        <Button variant="subtle" size="xs" leftSection={<IconPlus size={14} />} onClick={() => records.append({ content: '' })} w="fit-content" disabled={t === 'CNAME' && records.fields.length >= 1}>
          Add another record
        </Button>
      </Stack>
    </FormModal>
  );
}

function RecordInput({ index, type, form, onRemove }: { index: number; type: RecordType; form: ReturnType<typeof useZodForm<ReturnType<typeof rrsetDraftSchema>>>; onRemove?: () => void }) {
  const { field, fieldState } = useController({ control: form.control, name: `records.${index}.content` });
  return (
    <Group gap="xs" align="flex-start" wrap="nowrap">
      <TextInput
        style={{ flex: 1 }}
        aria-label={`Record ${index + 1} content`}
        placeholder={PLACEHOLDER[type]}
        value={field.value ?? ''}
        onChange={(e) => field.onChange(e.currentTarget.value)}
        onBlur={field.onBlur}
        ref={field.ref}
        error={fieldState.error?.message}
        classNames={{ input: 'mono' }}
      />
      {onRemove && (
        <Tooltip label="Remove this record">
          <ActionIcon variant="subtle" color="red" mt={4} onClick={onRemove} aria-label={`Remove record ${index + 1}`}>
            <IconTrash size={16} />
          </ActionIcon>
        </Tooltip>
      )}
    </Group>
  );
}
