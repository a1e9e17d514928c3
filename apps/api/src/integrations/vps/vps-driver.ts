import { z } from 'zod';
import { FarSideError } from '../errors';
import { createProxmoxDriver, proxmoxServerConfig } from './proxmox.driver';
import type { VpsDriver } from './vps.types';

export * from './vps.types';

/** What a HYPERVISOR server's `config` JSON holds; `driver` picks the implementation. */
export const vpsServerConfig = z.discriminatedUnion('driver', [proxmoxServerConfig]);
export type VpsServerConfig = z.infer<typeof vpsServerConfig>;

export interface VpsDriverOptions {
  timeoutMs?: number;
  taskTimeoutMs?: number;
  pollIntervalMs?: number;
}

/**
 * The driver for a hypervisor server, from its stored config. Secrets are not in the config:
 * it names the environment variable that holds them, read here from `env`.
 */
export function createVpsDriver(serverConfig: unknown, env: Record<string, string | undefined>, opts: VpsDriverOptions = {}): VpsDriver {
  const parsed = vpsServerConfig.safeParse(serverConfig);
  if (!parsed.success) {
    const fields = Object.fromEntries(parsed.error.issues.map((i) => [i.path.join('.') || 'driver', i.message]));
    throw new FarSideError('vps', `server config is invalid: ${Object.entries(fields).map(([k, v]) => `${k} ${v}`).join('; ')}`, {
      retryable: false,
      details: { fields },
    });
  }
  const config = parsed.data;
  switch (config.driver) {
    case 'proxmox': {
      const tokenSecret = env[config.tokenSecretEnv];
      if (!tokenSecret) {
        throw new FarSideError('proxmox', `the API token secret is not set: environment variable ${config.tokenSecretEnv} is empty`, { retryable: false });
      }
      return createProxmoxDriver(config, { tokenSecret, ...opts });
    }
  }
}
