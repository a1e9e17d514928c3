import { z } from 'zod';
import { FarSideError } from '../errors';
import { createProxmoxApi, isMissingVm, waitForTask } from './proxmox.http';
import { createInstanceInput, type CreateInstanceInput, type CreatedInstance, type InstanceStatus, type VpsDriver } from './vps.types';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const VMID = z.number().int().min(100).max(999_999_999);

/**
 * A Proxmox VE node as stored in a HYPERVISOR server's `config`. The token secret is not here:
 * `tokenSecretEnv` names the environment variable that holds it.
 */
export const proxmoxServerConfig = z.object({
  driver: z.literal('proxmox'),
  apiUrl: z.string().refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.has(u.hostname));
    } catch {
      return false;
    }
  }, 'must be an https URL (plain http only on loopback)'),
  node: z.string().regex(/^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/, 'must be a Proxmox node name'),
  tokenId: z.string().regex(/^[A-Za-z0-9._-]+@[A-Za-z0-9._-]+![A-Za-z][A-Za-z0-9._-]*$/, 'must look like user@realm!tokenname'),
  tokenSecretEnv: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'must be the name of an environment variable'),
  templates: z
    .record(z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'template names are lowercase words'), VMID)
    .refine((t) => Object.keys(t).length > 0, 'must name at least one template'),
  /** The template's boot disk, grown to the plan's size after the clone. */
  disk: z.string().regex(/^(scsi|virtio|sata|ide)\d{1,2}$/).default('scsi0'),
  /** Storage for the full clone's disks; the template's own storage when absent. */
  storage: z.string().regex(/^[a-zA-Z][a-zA-Z0-9._-]*$/).optional(),
  insecureTls: z.boolean().default(false),
});
export type ProxmoxServerConfig = z.infer<typeof proxmoxServerConfig>;

export interface ProxmoxDriverOptions {
  tokenSecret: string;
  timeoutMs?: number;
  /** How long to wait for one task (a full clone of a big disk takes minutes). */
  taskTimeoutMs?: number;
  pollIntervalMs?: number;
}

interface WireVmStatus {
  vmid: number;
  name?: string;
  status: 'running' | 'stopped';
  qmpstatus?: string;
  cpus?: number;
  maxmem?: number;
  maxdisk?: number;
  uptime?: number;
  template?: number | string;
}

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const SHUTDOWN_TIMEOUT_S = 60;

function vmidOf(externalId: string): number {
  if (!/^[1-9]\d{2,8}$/.test(externalId)) {
    throw new FarSideError('proxmox', `${JSON.stringify(externalId.slice(0, 40))} is not a Proxmox VMID`, { retryable: false });
  }
  return Number(externalId);
}

/**
 * VPS driver over the Proxmox VE API: a VPS is a full clone of a template VM, resized to the plan
 * and started. Every asynchronous call returns a task id (UPID) that is followed to its end, so
 * a call returns only when Proxmox has finished and a failed task is a FarSideError.
 */
export function createProxmoxDriver(config: ProxmoxServerConfig, opts: ProxmoxDriverOptions): VpsDriver {
  const api = createProxmoxApi({
    apiUrl: config.apiUrl,
    tokenId: config.tokenId,
    tokenSecret: opts.tokenSecret,
    insecureTls: config.insecureTls,
    timeoutMs: opts.timeoutMs,
  });
  const wait = { timeoutMs: opts.taskTimeoutMs ?? 15 * 60_000, pollIntervalMs: opts.pollIntervalMs ?? 1000 };
  const node = `/nodes/${encodeURIComponent(config.node)}`;
  const vmPath = (vmid: number) => `${node}/qemu/${vmid}`;
  const templateIds = new Set(Object.values(config.templates));

  /** Follows the task a call started; some calls finish at once and answer null instead. */
  async function settle(upid: string | null): Promise<void> {
    if (typeof upid === 'string' && upid) await waitForTask(api, upid, wait);
  }

  async function current(vmid: number): Promise<WireVmStatus | null> {
    try {
      return await api.get<WireVmStatus>(`${vmPath(vmid)}/status/current`);
    } catch (err) {
      if (isMissingVm(err)) return null;
      throw err;
    }
  }

  async function status(externalId: string): Promise<InstanceStatus> {
    const s = await current(vmidOf(externalId));
    if (!s) return { externalId, state: 'missing' };
    return {
      externalId,
      state: s.qmpstatus === 'paused' ? 'paused' : s.status === 'running' ? 'running' : 'stopped',
      name: s.name,
      cores: s.cpus,
      memoryMb: s.maxmem === undefined ? undefined : Math.round(s.maxmem / MiB),
      diskGb: s.maxdisk === undefined ? undefined : Math.round(s.maxdisk / GiB),
      uptimeSeconds: s.uptime,
    };
  }

  async function existing(externalId: string): Promise<InstanceStatus> {
    const s = await status(externalId);
    if (s.state === 'missing') throw new FarSideError('proxmox', `VM ${externalId} does not exist on ${config.node}`, { status: 404, retryable: false });
    return s;
  }

  async function power(vmid: number, action: 'start' | 'stop' | 'shutdown' | 'reboot', params?: Record<string, number>) {
    await settle(await api.post<string>(`${vmPath(vmid)}/status/${action}`, params));
  }

  async function findByName(name: string): Promise<number | undefined> {
    const vms = await api.get<Array<{ vmid: number | string; name?: string; template?: number | string }>>(`${node}/qemu`);
    const hits = vms.filter((v) => v.name === name && !Number(v.template ?? 0)).map((v) => Number(v.vmid));
    if (hits.length > 1) throw new FarSideError('proxmox', `several VMs on ${config.node} are named ${name}: ${hits.join(', ')}`, { retryable: false });
    return hits[0];
  }

  /** Full clone into the next free VMID; another client taking that id first makes us try the next. */
  async function cloneTemplate(templateVmid: number, name: string): Promise<number> {
    for (let round = 1; ; round++) {
      const newid = Number(await api.get<string>('/cluster/nextid'));
      try {
        await settle(await api.post<string>(`${vmPath(templateVmid)}/clone`, { newid, name, full: true, storage: config.storage }));
        return newid;
      } catch (err) {
        const raced = err instanceof FarSideError && /already exists/.test(err.message);
        if (!raced || round >= 3) throw err;
      }
    }
  }

  async function createInstance(input: CreateInstanceInput): Promise<CreatedInstance> {
    const parsed = createInstanceInput.safeParse(input);
    if (!parsed.success) {
      const fields = Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message]));
      throw new FarSideError('proxmox', `invalid instance spec: ${Object.entries(fields).map(([k, v]) => `${k} ${v}`).join('; ')}`, {
        retryable: false,
        details: { fields },
      });
    }
    const spec = parsed.data;
    const templateVmid = config.templates[spec.template];
    if (templateVmid === undefined) {
      throw new FarSideError('proxmox', `template ${spec.template} is not configured for ${config.node}`, { retryable: false, details: { templates: Object.keys(config.templates) } });
    }

    const found = await findByName(spec.name);
    const vmid = found ?? (await cloneTemplate(templateVmid, spec.name));
    try {
      await settle(await api.post<string | null>(`${vmPath(vmid)}/config`, { cores: spec.cores, memory: spec.memoryMb }));
      // An absolute size: growing to the size it already has is a no-op, so a retry repeats nothing.
      await settle(await api.put<string | null>(`${vmPath(vmid)}/resize`, { disk: config.disk, size: `${spec.diskGb}G` }));
      await start(String(vmid));
    } catch (err) {
      // The caller needs the id to clean up or retry a machine that was cloned but not finished.
      if (err instanceof FarSideError) err.opts.details = { ...err.opts.details, externalId: String(vmid) };
      throw err;
    }
    return { ...(await status(String(vmid))), created: found === undefined, template: spec.template };
  }

  async function start(externalId: string): Promise<void> {
    const s = await existing(externalId);
    if (s.state !== 'running') await power(vmidOf(externalId), 'start');
  }

  async function stop(externalId: string, o: { graceful?: boolean; timeoutSeconds?: number } = {}): Promise<void> {
    const s = await existing(externalId);
    if (s.state === 'stopped') return;
    const vmid = vmidOf(externalId);
    if (o.graceful === false) await power(vmid, 'stop');
    else await power(vmid, 'shutdown', { forceStop: 1, timeout: o.timeoutSeconds ?? SHUTDOWN_TIMEOUT_S });
  }

  async function reboot(externalId: string): Promise<void> {
    const s = await existing(externalId);
    await power(vmidOf(externalId), s.state === 'stopped' ? 'start' : 'reboot');
  }

  async function destroy(externalId: string): Promise<boolean> {
    const vmid = vmidOf(externalId);
    const s = await current(vmid);
    if (!s) return false;
    if (templateIds.has(vmid) || Number(s.template ?? 0)) {
      throw new FarSideError('proxmox', `VM ${vmid} is a template and is never destroyed by mPanel`, { retryable: false });
    }
    if (s.status !== 'stopped') await power(vmid, 'stop');
    try {
      await settle(await api.del<string>(vmPath(vmid), { purge: 1, 'destroy-unreferenced-disks': 1 }));
    } catch (err) {
      if (isMissingVm(err)) return false;
      throw err;
    }
    return true;
  }

  async function health(): Promise<{ version: string }> {
    const v = await api.get<{ version: string }>('/version');
    return { version: v.version };
  }

  return { kind: 'proxmox', health, createInstance, start, stop, reboot, destroy, status };
}
