import { useState, type ReactNode } from 'react';
import { ActionIcon, Button, Code, Group, Modal, Stack, Text, TextInput, Tooltip, type ButtonProps } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import type { Action } from '@/api/contracts';
import { describeError } from '@/api/errors';
import { useCan } from '@/auth/AuthProvider';
import { acceptedJob, useJobTracker } from './jobs';

export interface ConfirmActionProps<R> {
  /** The role-matrix action; the control is not shown to roles without it. */
  permission: Action;
  label: string;
  /** What is acted on, named in the question (a domain, an email, a server name). */
  target: string;
  title?: string;
  message?: ReactNode;
  /** Red, and the target must be typed to confirm. */
  destructive?: boolean;
  icon?: ReactNode;
  color?: ButtonProps['color'];
  variant?: ButtonProps['variant'];
  size?: ButtonProps['size'];
  /** Show as an icon button (tables); the label becomes its accessible name. */
  iconOnly?: boolean;
  disabled?: boolean;
  confirmLabel?: string;
  run: () => Promise<R>;
  /** Query keys to refresh when the action (or the job it started) ends. */
  invalidate?: QueryKey[];
  onDone?: (result: R) => void;
  /** Shown when the answer is not a job; a job shows its own progress. */
  successMessage?: string;
}

/**
 * Every state-changing button: asks first (naming the target; destructive ones want the name
 * typed), runs the call, and either follows the job it started or reports the result.
 */
export function ConfirmAction<R>({
  permission,
  label,
  target,
  title,
  message,
  destructive,
  icon,
  color,
  variant,
  size = 'sm',
  iconOnly,
  disabled,
  confirmLabel,
  run,
  invalidate = [],
  onDone,
  successMessage,
}: ConfirmActionProps<R>) {
  const can = useCan();
  const qc = useQueryClient();
  const tracker = useJobTracker();
  const [opened, setOpened] = useState(false);
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);

  const mutation = useMutation({
    mutationFn: run,
    meta: { quiet: [409, 422] },
    onMutate: () => setError(null),
    onSuccess: (result) => {
      const job = acceptedJob(result);
      if (job) tracker.track(job, { label: `${label}: ${target}`, invalidate });
      else notifications.show({ color: 'teal', title: label, message: successMessage ?? `${label}: ${target} — done` });
      for (const queryKey of invalidate) void qc.invalidateQueries({ queryKey });
      setOpened(false);
      onDone?.(result);
    },
    onError: (err) => setError(describeError(err)),
  });

  if (!can(permission)) return null;

  const open = () => {
    setTyped('');
    setError(null);
    setOpened(true);
  };
  const tone = color ?? (destructive ? 'red' : undefined);
  const blocked = destructive && typed.trim() !== target;

  return (
    <>
      {iconOnly ? (
        <Tooltip label={`${label} ${target}`} withArrow>
          <ActionIcon variant={variant ?? 'subtle'} color={tone} onClick={open} disabled={disabled} aria-label={`${label} ${target}`}>
            {icon}
          </ActionIcon>
        </Tooltip>
      ) : (
        <Button size={size} variant={variant ?? (destructive ? 'light' : 'default')} color={tone} leftSection={icon} onClick={open} disabled={disabled}>
          {label}
        </Button>
      )}
      <Modal opened={opened} onClose={() => !mutation.isPending && setOpened(false)} title={title ?? `${label} ${target}?`} centered>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (!blocked) mutation.mutate();
          }}
        >
          <Stack gap="sm">
            {message && <Text size="sm">{message}</Text>}
            {destructive && (
              <TextInput
                label={
                  <>
                    Type <Code>{target}</Code> to confirm
                  </>
                }
                value={typed}
                onChange={(e) => setTyped(e.currentTarget.value)}
                data-autofocus
                autoComplete="off"
              />
            )}
            {error && (
              <Text size="sm" c="red" role="alert">
                {error}
              </Text>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setOpened(false)} disabled={mutation.isPending}>
                Cancel
              </Button>
              <Button type="submit" color={tone} loading={mutation.isPending} disabled={blocked} data-autofocus={!destructive || undefined}>
                {confirmLabel ?? label}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
