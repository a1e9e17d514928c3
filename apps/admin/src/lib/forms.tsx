import { useState, type ReactNode } from 'react';
import { zodResolver } from '@hookform/resolvers/zod';
import {
  Alert,
  Button,
  Group,
  JsonInput,
  Modal,
  NumberInput,
  PasswordInput,
  Select,
  Stack,
  Switch,
  Textarea,
  TextInput,
  type JsonInputProps,
  type NumberInputProps,
  type PasswordInputProps,
  type SelectProps,
  type SwitchProps,
  type TextareaProps,
  type TextInputProps,
} from '@mantine/core';
import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import {
  useController,
  useForm,
  type Control,
  type FieldValues,
  type Path,
  type Resolver,
  type UseFormProps,
  type UseFormReturn,
} from 'react-hook-form';
import type { z } from 'zod';
import { ApiError, describeError, fieldOf, isApiError } from '@/api/errors';
import type { FieldIssue } from '@/api/contracts';

/** React Hook Form driven by one of the API's own zod schemas. */
export function useZodForm<S extends z.ZodType<FieldValues, FieldValues>>(
  schema: S,
  options: Omit<UseFormProps<z.input<S>, unknown, z.output<S>>, 'resolver'> = {},
): UseFormReturn<z.input<S>, unknown, z.output<S>> {
    // The resolver's overloads cannot see through a generic schema; the cast names what it returns.
  const resolver = zodResolver(schema as never) as unknown as Resolver<z.input<S>, unknown, z.output<S>>;
  return useForm<z.input<S>, unknown, z.output<S>>({ resolver, mode: 'onTouched', ...options });
}

/**
 * Puts a 400/422 answer's field issues on the form's fields (`body.email` → `email`) and returns
 * the issues no field claimed, which the form shows above its buttons.
 */
export function applyServerErrors<T extends FieldValues>(form: UseFormReturn<T, unknown, never> | UseFormReturn<T, unknown, unknown>, err: unknown, fields?: readonly string[]): FieldIssue[] {
  if (!isApiError(err)) return [];
  const known = new Set(fields ?? Object.keys(form.getValues() ?? {}));
  const rest: FieldIssue[] = [];
  let first = true;
  for (const issue of err.fieldIssues) {
    const name = fieldOf(issue.path);
    const root = name.split('.')[0];
    if (known.has(name) || known.has(root)) {
      form.setError(name as Path<T>, { type: 'server', message: issue.message }, { shouldFocus: first });
      first = false;
    } else rest.push(issue);
  }
  return rest;
}

// Forms whose schema transforms (output ≠ input) pass a Control with a third type argument.
type AnyControl<T extends FieldValues> = Control<T, unknown, any>;

interface FieldBase<T extends FieldValues> {
  control: AnyControl<T>;
  name: Path<T>;
}

/** The react-hook-form wiring every text-like input shares; an empty box stores `empty`. */
function useTextBinding<T extends FieldValues>(control: FieldBase<T>['control'], name: FieldBase<T>['name'], empty: null | undefined) {
  const { field, fieldState } = useController({ control, name });
  return {
    name: field.name,
    ref: field.ref,
    value: (field.value as string | undefined) ?? '',
    onChange: (e: { currentTarget: { value: string } }) => field.onChange(e.currentTarget.value === '' ? empty : e.currentTarget.value),
    onBlur: field.onBlur,
    error: fieldState.error?.message,
  };
}

export function TextField<T extends FieldValues>({ control, name, nullable, ...props }: FieldBase<T> & Omit<TextInputProps, 'name'> & { /** Empty means null (clears a nullable field) rather than unset. */ nullable?: boolean }) {
  return <TextInput {...props} {...useTextBinding(control, name, nullable ? null : undefined)} />;
}

export function PasswordField<T extends FieldValues>({ control, name, ...props }: FieldBase<T> & Omit<PasswordInputProps, 'name'>) {
  return <PasswordInput {...props} {...useTextBinding(control, name, undefined)} />;
}

export function TextareaField<T extends FieldValues>({ control, name, nullable, ...props }: FieldBase<T> & Omit<TextareaProps, 'name'> & { /** Empty means null (clears a nullable field) rather than unset. */ nullable?: boolean }) {
  return <Textarea {...props} {...useTextBinding(control, name, nullable ? null : undefined)} />;
}

export function NumberField<T extends FieldValues>({
  control,
  name,
  scale = 1,
  ...props
}: FieldBase<T> & Omit<NumberInputProps, 'name'> & { /** Shown value = stored / scale (cents shown as units). */ scale?: number }) {
  const { field, fieldState } = useController({ control, name });
  const stored = field.value as number | undefined | null;
  return (
    <NumberInput
      {...props}
      name={field.name}
      ref={field.ref}
      value={stored === undefined || stored === null ? '' : stored / scale}
      onChange={(v) => field.onChange(v === '' || v === null ? undefined : Math.round(Number(v) * scale))}
      onBlur={field.onBlur}
      error={fieldState.error?.message}
    />
  );
}

export function SelectField<T extends FieldValues>({ control, name, ...props }: FieldBase<T> & Omit<SelectProps, 'name'>) {
  const { field, fieldState } = useController({ control, name });
  return (
    <Select
      {...props}
      name={field.name}
      ref={field.ref}
      value={(field.value as string | undefined) ?? null}
      onChange={(v) => field.onChange(v ?? undefined)}
      onBlur={field.onBlur}
      error={fieldState.error?.message}
    />
  );
}

/** A JSON object typed as text; invalid JSON stays as text so the schema reports it on the field. */
export function JsonField<T extends FieldValues>({ control, name, ...props }: FieldBase<T> & Omit<JsonInputProps, 'name'>) {
  const { field, fieldState } = useController({ control, name });
  const [text, setText] = useState(() => (field.value === undefined || field.value === null ? '' : JSON.stringify(field.value, null, 2)));
  return (
    <JsonInput
      {...props}
      name={field.name}
      ref={field.ref}
      value={text}
      onChange={(v) => {
        setText(v);
        if (!v.trim()) return field.onChange(null);
        try {
          field.onChange(JSON.parse(v));
        } catch {
          field.onChange(v);
        }
      }}
      onBlur={field.onBlur}
      error={fieldState.error?.message}
      formatOnBlur
      autosize
      minRows={3}
    />
  );
}

export function SwitchField<T extends FieldValues>({ control, name, ...props }: FieldBase<T> & Omit<SwitchProps, 'name'>) {
  const { field, fieldState } = useController({ control, name });
  return (
    <Switch
      {...props}
      name={field.name}
      ref={field.ref}
      checked={Boolean(field.value)}
      onChange={(e) => field.onChange(e.currentTarget.checked)}
      onBlur={field.onBlur}
      error={fieldState.error?.message}
    />
  );
}

/**
 * A mutation for a form: the form shows 400/409/422 itself (fields, or a message above the
 * buttons), everything else goes through the app's toast policy.
 */
export function useFormMutation<TVars, TResult>(
  form: UseFormReturn<any, unknown, any>,
  fn: (vars: TVars) => Promise<TResult>,
  opts: { invalidate?: QueryKey[]; onSuccess?: (r: TResult) => void } = {},
) {
  const qc = useQueryClient();
  const [formError, setFormError] = useState<ReactNode>(null);
  const mutation = useMutation({
    mutationFn: fn,
    meta: { quiet: [400, 409, 422] },
    onMutate: () => setFormError(null),
    onSuccess: async (r) => {
      await Promise.all((opts.invalidate ?? []).map((queryKey) => qc.invalidateQueries({ queryKey })));
      opts.onSuccess?.(r);
    },
    onError: (err) => {
      if (!(err instanceof ApiError) || ![400, 409, 422].includes(err.status)) return;
      const rest = applyServerErrors(form, err);
      if (rest.length || !err.fieldIssues.length) {
        setFormError(
          rest.length ? (
            <>
              {err.message}
              <ul style={{ margin: '4px 0 0', paddingLeft: 18 }}>
                {rest.map((i) => (
                  <li key={i.path}>
                    {fieldOf(i.path)}: {i.message}
                  </li>
                ))}
              </ul>
            </>
          ) : (
            describeError(err)
          ),
        );
      }
    },
  });
  return { mutation, formError, setFormError };
}

export function FormError({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <Alert color="red" variant="light" role="alert" title="Could not save">
      {children}
    </Alert>
  );
}

/** A modal holding one form: Escape or Cancel closes, Enter submits, errors stay in the modal. */
export function FormModal({
  opened,
  onClose,
  title,
  onSubmit,
  submitting,
  submitLabel = 'Save',
  error,
  children,
  size = 'md',
}: {
  opened: boolean;
  onClose: () => void;
  title: ReactNode;
  onSubmit: (e?: React.BaseSyntheticEvent) => void | Promise<void>;
  submitting?: boolean;
  submitLabel?: string;
  error?: ReactNode;
  children: ReactNode;
  size?: string | number;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title={title} size={size} centered>
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="sm">
          {children}
          <FormError>{error}</FormError>
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={submitting}>
              {submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
