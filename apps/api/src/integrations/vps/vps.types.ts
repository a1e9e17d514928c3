/** The provider-neutral shape of a VPS driver; implementations live next to this file. */
import { z } from 'zod';

/** `missing`: the provider has no machine under that id (never created, or destroyed). */
export type InstanceState = 'running' | 'stopped' | 'paused' | 'missing';

export interface InstanceStatus {
  /** The provider's id for the machine (a Proxmox VMID), as a string. */
  externalId: string;
  state: InstanceState;
  name?: string;
  cores?: number;
  memoryMb?: number;
  diskGb?: number;
  uptimeSeconds?: number;
  /** The machine's public IPv4 address, when the provider knows it. */
  ipv4?: string;
}

export interface CreatedInstance extends InstanceStatus {
  /** false when a machine of that name already existed and was brought to the spec instead. */
  created: boolean;
  template: string;
}

const DNS_NAME = /^(?=.{1,63}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

export const createInstanceInput = z.object({
  /** Unique per provider: a retried create finds the machine by this name instead of making a second one. */
  name: z.string().regex(DNS_NAME, 'must be a lowercase host name of at most 63 letters, digits and dashes'),
  template: z.string().min(1),
  cores: z.number().int().min(1).max(128),
  memoryMb: z.number().int().min(256).max(4_194_304),
  diskGb: z.number().int().min(1).max(65_536),
});
export type CreateInstanceInput = z.infer<typeof createInstanceInput>;

/**
 * A virtualisation provider. Every call converges: creating what exists finishes it, starting
 * what runs and stopping what is stopped succeed, destroying what is gone returns false. Far-side
 * failures are FarSideError with `retryable` set.
 */
export interface VpsDriver {
  readonly kind: string;
  health(): Promise<{ version: string }>;
  /** Clones the template, sizes it to the spec and starts it. */
  createInstance(input: CreateInstanceInput): Promise<CreatedInstance>;
  start(externalId: string): Promise<void>;
  /** `graceful` (default): ask the guest to shut down, forcing it off after `timeoutSeconds`. */
  stop(externalId: string, opts?: { graceful?: boolean; timeoutSeconds?: number }): Promise<void>;
  /** Reboots a running machine; starts a stopped one. */
  reboot(externalId: string): Promise<void>;
  /** Powers off and deletes the machine with its disks. false when it was already gone. */
  destroy(externalId: string): Promise<boolean>;
  status(externalId: string): Promise<InstanceStatus>;
}
