import { useEffect, useMemo } from 'react';
import { useNavigate } from 'react-router';
import { Fieldset, SimpleGrid, Text } from '@mantine/core';
import { manualOrderBody, type IntakeResult, type PlanRow } from '@/api/contracts';
import { useApi } from '@/auth/AuthProvider';
import { useOptions } from '@/components/common';
import { FormModal, NumberField, SelectField, TextareaField, TextField, useFormMutation, useZodForm } from '@/lib/forms';
import { money } from '@/lib/format';

/** A sale staff enter by hand (phone order, migration): the same intake srv1 uses. */
export function ManualOrderForm({ onClose }: { onClose: () => void }) {
  const api = useApi();
  const navigate = useNavigate();
  // One key per form: a double submit or a retry after a timeout cannot create two orders.
  const idempotencyKey = useMemo(() => `admin-${crypto.randomUUID()}`, []);
  const plans = useOptions<PlanRow>('plans', '/plans', (p) => `${p.name} — ${money(p.billingCycle === 'YEARLY' ? p.priceYearlyCents : p.priceMonthlyCents, p.currency)}`, { isActive: 'true' });
  const form = useZodForm(manualOrderBody, {
    defaultValues: { customer: { email: '' }, planSlug: '', currency: 'usd', metadata: {} },
  });
  const { mutation, formError } = useFormMutation(
    form,
    (body: unknown) => api.post<IntakeResult>('/orders', body, { headers: { 'Idempotency-Key': idempotencyKey } }),
    {
      invalidate: [['orders'], ['customers'], ['subscriptions'], ['domains'], ['jobs']],
      onSuccess: (r) => {
        onClose();
        navigate(`/orders/${r.orderId}`);
      },
    },
  );

  const planSlug = form.watch('planSlug');
  const plan = plans.rows.find((p) => p.slug === planSlug);
  useEffect(() => {
    if (!plan) return;
    form.setValue('totalAmountCents', plan.billingCycle === 'YEARLY' ? plan.priceYearlyCents : plan.priceMonthlyCents);
    form.setValue('currency', plan.currency);
  }, [plan, form]);

  return (
    <FormModal
      opened
      onClose={onClose}
      title="New manual order"
      onSubmit={form.handleSubmit((v) => mutation.mutate(v))}
      submitting={mutation.isPending}
      submitLabel="Create order"
      error={formError}
      size="lg"
    >
      <Text size="sm" c="dimmed">
        The order is recorded as paid and provisioning starts at once.
      </Text>
      <Fieldset legend="Customer" variant="filled">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextField control={form.control} name="customer.email" label="Email" type="email" required data-autofocus />
          <TextField control={form.control} name="customer.fullName" label="Full name" />
          <TextField control={form.control} name="customer.phone" label="Phone" />
        </SimpleGrid>
      </Fieldset>
      <SelectField
        control={form.control}
        name="planSlug"
        label="Plan"
        data={plans.rows.map((p) => ({ value: p.slug, label: plans.options.find((o) => o.value === p.id)?.label ?? p.name }))}
        searchable
        required
        comboboxProps={{ withinPortal: true }}
      />
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <NumberField control={form.control} name="totalAmountCents" label="Amount charged" scale={100} decimalScale={2} fixedDecimalScale min={0} required />
        <TextField control={form.control} name="currency" label="Currency" maxLength={3} required />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextField control={form.control} name="metadata.domain" label="Domain" placeholder="example.com" description="Required for hosting, mail and DNS plans" />
        <TextField control={form.control} name="metadata.phpVersion" label="PHP version" placeholder="8.2" />
      </SimpleGrid>
      <TextField control={form.control} name="externalOrderId" label="External reference" description="Optional: an id from another system" />
      <TextareaField control={form.control} name="metadata.notes" label="Notes" autosize minRows={2} />
    </FormModal>
  );
}
