import { useEffect } from 'react';
import { Fieldset, Group, SimpleGrid } from '@mantine/core';
import { useNavigate } from 'react-router';
import { BillingCycle, planCreateBody, planUpdateBody, type PlanRow, type ProductRow } from '@/api/contracts';
import { useApi } from '@/auth/AuthProvider';
import { useOptions } from '@/components/common';
import { FormModal, NumberField, SelectField, SwitchField, TextField, useFormMutation, useZodForm } from '@/lib/forms';
import { humanize } from '@/lib/format';

export const slugify = (s: string) =>
  s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);

const LIMITS: Array<[key: string, label: string]> = [
  ['diskGb', 'Disk (GB)'],
  ['bandwidthGb', 'Bandwidth (GB)'],
  ['sites', 'Sites'],
  ['emails', 'Mailboxes'],
  ['databases', 'Databases'],
  ['cpuCores', 'CPU cores'],
  ['memoryMb', 'Memory (MB)'],
  ['dnsZones', 'DNS zones'],
];

/** Create (no `plan`) or edit a plan. */
export function PlanForm({ plan, opened, onClose }: { plan?: PlanRow; opened: boolean; onClose: () => void }) {
  const api = useApi();
  const navigate = useNavigate();
  const products = useOptions<ProductRow>('products', '/products', (p) => `${p.name} (${humanize(p.type)})`);
  // Editing validates with the PATCH schema; both share the create schema's field names.
  const form = useZodForm((plan ? planUpdateBody : planCreateBody) as typeof planCreateBody, {
    defaultValues: plan
      ? {
          productId: plan.productId,
          name: plan.name,
          slug: plan.slug,
          billingCycle: plan.billingCycle,
          priceMonthlyCents: plan.priceMonthlyCents,
          priceYearlyCents: plan.priceYearlyCents,
          currency: plan.currency,
          isPopular: plan.isPopular,
          isActive: plan.isActive,
          limitsJson: (plan.limitsJson ?? {}) as Record<string, number>,
          sortOrder: plan.sortOrder,
        }
      : { billingCycle: 'MONTHLY', currency: 'USD', isPopular: false, isActive: true, limitsJson: {}, sortOrder: 0 },
  });
  const { mutation, formError } = useFormMutation(
    form,
    (body: unknown) => (plan ? api.patch<PlanRow>(`/plans/${plan.id}`, body) : api.post<PlanRow>('/plans', body)),
    {
      invalidate: [['plans']],
      onSuccess: (saved) => {
        onClose();
        if (!plan && saved?.id) navigate(`/plans/${saved.id}`);
      },
    },
  );

  // A new plan's slug follows its name until someone edits the slug.
  const name = form.watch('name');
  useEffect(() => {
    if (!plan && !form.getFieldState('slug').isDirty && name) form.setValue('slug', slugify(name));
  }, [name, plan, form]);

  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      title={plan ? `Edit plan ${plan.name}` : 'New plan'}
      onSubmit={form.handleSubmit((v) => mutation.mutate(v))}
      submitting={mutation.isPending}
      submitLabel={plan ? 'Save changes' : 'Create plan'}
      error={formError}
      size="lg"
    >
      <SelectField
        control={form.control}
        name="productId"
        label="Product"
        data={products.options}
        placeholder={products.loading ? 'Loading products…' : 'Choose a product'}
        searchable
        required
        comboboxProps={{ withinPortal: true }}
      />
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextField control={form.control} name="name" label="Name" required data-autofocus />
        <TextField control={form.control} name="slug" label="Slug" description="Used by the website and in order intake" required />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <SelectField
          control={form.control}
          name="billingCycle"
          label="Billing cycle"
          data={Object.values(BillingCycle).map((c) => ({ value: c, label: humanize(c) }))}
          allowDeselect={false}
          required
        />
        <TextField control={form.control} name="currency" label="Currency" description="ISO code, e.g. USD" required maxLength={3} />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <NumberField control={form.control} name="priceMonthlyCents" label="Monthly price" scale={100} decimalScale={2} fixedDecimalScale min={0} required />
        <NumberField control={form.control} name="priceYearlyCents" label="Yearly price" scale={100} decimalScale={2} fixedDecimalScale min={0} required />
      </SimpleGrid>
      <Fieldset legend="Limits" variant="filled">
        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="xs">
          {LIMITS.map(([key, label]) => (
            <NumberField key={key} control={form.control} name={`limitsJson.${key}` as 'limitsJson'} label={label} min={0} size="xs" allowDecimal={false} />
          ))}
        </SimpleGrid>
      </Fieldset>
      <NumberField control={form.control} name="sortOrder" label="Position" description="Lower comes first on the website" allowDecimal={false} w={200} />
      <Group>
        <SwitchField control={form.control} name="isPopular" label="Highlight as popular" />
        <SwitchField control={form.control} name="isActive" label="On sale" />
      </Group>
    </FormModal>
  );
}

export { LIMITS };
