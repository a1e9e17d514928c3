import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';

/** A secret the API returns once (new passwords): copy it now, it is not shown again. */
export function OneTimeSecret({ title, secret, onClose }: { title: string; secret: string; onClose: () => void }) {
  return (
    <Modal opened onClose={onClose} title={title} centered closeOnClickOutside={false}>
      <Stack>
        {secret ? (
          <>
            <Alert color="yellow" variant="light">
              Copy it now: it is shown only once and is not stored anywhere you can read it again.
            </Alert>
            <Group wrap="nowrap">
              <Code fz="md" p="xs" style={{ flex: 1, wordBreak: 'break-all' }} aria-label="New password">
                {secret}
              </Code>
              <CopyButton value={secret}>{({ copied, copy }) => <Button onClick={copy} variant={copied ? 'light' : 'filled'}>{copied ? 'Copied' : 'Copy'}</Button>}</CopyButton>
            </Group>
          </>
        ) : (
          <Text size="sm">The password was changed.</Text>
        )}
        <Group justify="flex-end">
          <Button onClick={onClose} data-autofocus>
            Done
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

