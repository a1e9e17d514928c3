/**
 * A Proxmox VE node as its HTTP API (`/api2/json`) answers, in memory, for the QEMU calls mPanel's
 * driver makes: API-token auth, `{data}` wrappers, VMIDs, UPID tasks that finish after a short
 * delay, 400 "Parameter verification failed." with `{errors}` and 500 with the message for a VM
 * that does not exist or is locked. Tests may make the next task of a type fail, as storage does.
 */
import crypto from 'node:crypto';
import type { Server } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';

export const PVE_VERSION = { version: '8.2.4', release: '8.2', repoid: 'faa83925c9641325' };

export interface ProxmoxVm {
  vmid: number;
  name: string;
  template: boolean;
  status: 'running' | 'stopped';
  cores: number;
  /** MiB */
  memory: number;
  /** drive name → size in bytes */
  disks: Record<string, number>;
  lock?: string;
  startedAt?: number;
}

export interface ProxmoxTask {
  upid: string;
  node: string;
  pid: number;
  pstart: number;
  starttime: number;
  type: string;
  id: string;
  user: string;
  status: 'running' | 'stopped';
  exitstatus?: string;
}

export interface ProxmoxState {
  vms: Map<number, ProxmoxVm>;
  tasks: Map<string, ProxmoxTask>;
  /** Every authenticated request, oldest first (last 1000). */
  requests: Array<{ method: string; path: string; status: number }>;
  /** The next task of this type (`qmclone`, `resize`, `qmstart`…) ends with `message` as its exit status and changes nothing. */
  failNextTask(type: string, message: string): void;
}

export interface ProxmoxServerOptions {
  port?: number;
  /** `user@realm!tokenname` */
  tokenId: string;
  tokenSecret: string;
  node: string;
  /** template name → VMID; each becomes a stopped template VM with one disk. */
  templates: Record<string, number>;
  templateDiskGb?: number;
  /** How long a task runs before it stops (default 40 ms). */
  taskDelayMs?: number;
  /** Serve https with this key and certificate, as a real node does on :8006. */
  tls?: { key: string; cert: string };
}

export interface ProxmoxServer {
  /** http(s)://127.0.0.1:<port>/api2/json */
  url: string;
  port: number;
  node: string;
  state: ProxmoxState;
  stop(): Promise<void>;
}

const GiB = 1024 ** 3;
const DRIVE_RE = /^(ide[0-3]|sata[0-5]|scsi([0-9]|[12][0-9]|30)|virtio([0-9]|1[0-5])|efidisk0|tpmstate0)$/;
const DNS_NAME_RE = /^(?=.{1,255}$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
const SIZE_RE = /^\+?\d+(\.\d+)?[KMGT]?$/;
const NOT_IN_SCHEMA = 'property is not defined in schema and the schema does not allow additional properties';

class PveError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Record<string, string>,
  ) {
    super(message);
  }
}

/** A parameter checker answers undefined when the value is fine, else what is wrong with it. */
type Check = (v: string) => string | undefined;

const integer =
  (min: number, max = Number.MAX_SAFE_INTEGER): Check =>
  (v) => {
    if (!/^-?\d+$/.test(v)) return `type check ('integer') failed - got '${v}'`;
    const n = Number(v);
    if (n < min) return `value must have a minimum value of ${min}`;
    if (n > max) return `value must have a maximum value of ${max}`;
    return undefined;
  };
const boolean: Check = (v) => (/^(0|1|true|false|yes|no|on|off)$/i.test(v) ? undefined : `type check ('boolean') failed - got '${v}'`);
const text: Check = () => undefined;
const pattern =
  (re: RegExp): Check =>
  (v) =>
    re.test(v) ? undefined : 'value does not match the regex pattern';
const dnsName: Check = (v) => (DNS_NAME_RE.test(v) ? undefined : 'invalid format - value does not look like a valid DNS name');
const vmidCheck = integer(100, 999_999_999);
const truthy = (v: string | undefined) => v !== undefined && /^(1|true|yes|on)$/i.test(v);

/** Checks the request's parameters against a method's schema, as pve-http-server does before the handler runs. */
function verify(params: Record<string, string>, schema: Record<string, Check>, required: string[] = []): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    const check = schema[k];
    if (!check) errors[k] = NOT_IN_SCHEMA;
    else {
      const problem = check(v);
      if (problem) errors[k] = problem;
    }
  }
  for (const k of required) if (params[k] === undefined) errors[k] = 'property is missing and it is not optional';
  if (Object.keys(errors).length) throw new PveError(400, 'Parameter verification failed.', errors);
  return params;
}

function sizeToBytes(size: string, current: number): number {
  const m = /^(\+)?(\d+(?:\.\d+)?)([KMGT])?$/.exec(size)!;
  const unit = { K: 1024, M: 1024 ** 2, G: GiB, T: 1024 ** 4 }[m[3] as 'K' | 'M' | 'G' | 'T'] ?? 1;
  const bytes = Math.floor(Number(m[2]) * unit);
  return m[1] ? current + bytes : bytes;
}

function printSize(bytes: number): string {
  for (const [unit, n] of [['T', 1024 ** 4], ['G', GiB], ['M', 1024 ** 2], ['K', 1024]] as const) if (bytes % n === 0) return `${bytes / n}${unit}`;
  return String(bytes);
}

const hex8 = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');

export async function startProxmoxServer(opts: ProxmoxServerOptions): Promise<ProxmoxServer> {
  const { node, tokenId, tokenSecret } = opts;
  const taskDelayMs = opts.taskDelayMs ?? 40;
  const vms = new Map<number, ProxmoxVm>();
  const tasks = new Map<string, ProxmoxTask>();
  const failures = new Map<string, string>();
  const timers = new Set<NodeJS.Timeout>();
  const state: ProxmoxState = {
    vms,
    tasks,
    requests: [],
    failNextTask: (type, message) => void failures.set(type, message),
  };
  for (const [name, vmid] of Object.entries(opts.templates)) {
    vms.set(vmid, { vmid, name, template: true, status: 'stopped', cores: 1, memory: 1024, disks: { scsi0: (opts.templateDiskGb ?? 10) * GiB } });
  }
  const pstart = crypto.randomInt(1_000_000, 90_000_000);

  /**
   * Starts a worker task. `work` runs when the task ends and may throw to fail it (its message
   * becomes the exit status); `undo` runs when it fails, as Proxmox cleans up after itself.
   */
  function runTask(type: string, id: string | number, work: () => void, undo?: () => void): string {
    const starttime = Math.floor(Date.now() / 1000);
    const pid = crypto.randomInt(1000, 0x3fffff);
    const upid = `UPID:${node}:${hex8(pid)}:${hex8(pstart)}:${hex8(starttime)}:${type}:${id}:${tokenId}:`;
    const task: ProxmoxTask = { upid, node, pid, pstart, starttime, type, id: String(id), user: tokenId, status: 'running' };
    tasks.set(upid, task);
    const timer = setTimeout(() => {
      timers.delete(timer);
      const injected = failures.get(type);
      failures.delete(type);
      try {
        if (injected) throw new Error(injected);
        work();
        task.exitstatus = 'OK';
      } catch (err) {
        task.exitstatus = (err as Error).message.trim();
        undo?.();
      }
      task.status = 'stopped';
    }, taskDelayMs);
    timers.add(timer);
    return upid;
  }

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const api = express.Router();

  api.use((req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    if (!header.startsWith('PVEAPIToken=')) throw new PveError(401, 'No ticket');
    const value = header.slice('PVEAPIToken='.length);
    const eq = value.indexOf('=');
    const id = value.slice(0, eq);
    const secret = value.slice(eq + 1);
    const digest = (s: string) => crypto.createHash('sha256').update(s).digest();
    if (eq < 0 || id !== tokenId || !crypto.timingSafeEqual(digest(secret), digest(tokenSecret))) throw new PveError(401, 'authentication failure');
    res.on('finish', () => {
      state.requests.push({ method: req.method, path: req.originalUrl, status: res.statusCode });
      if (state.requests.length > 1000) state.requests.shift();
    });
    next();
  });
  api.use(express.urlencoded({ extended: false, limit: '64kb' }));
  api.use(express.json({ limit: '64kb' }));

  /** Query and body parameters as the strings Proxmox's schema checks see. */
  const paramsOf = (req: Request): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const source of [req.query, req.body ?? {}] as Array<Record<string, unknown>>) {
      for (const [k, v] of Object.entries(source)) out[k] = typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
    }
    return out;
  };
  const checkNode = (req: Request) => {
    const n = String(req.params.node);
    if (n !== node) throw new PveError(500, `hostname lookup '${n}' failed - failed to get address info for: ${n}: Name or service not known`);
  };
  const vmOf = (req: Request): ProxmoxVm => {
    checkNode(req);
    const raw = String(req.params.vmid);
    const problem = vmidCheck(raw);
    if (problem) throw new PveError(400, 'Parameter verification failed.', { vmid: problem });
    const vm = vms.get(Number(raw));
    if (!vm) throw new PveError(500, `Configuration file 'nodes/${node}/qemu-server/${raw}.conf' does not exist`);
    return vm;
  };
  const unlocked = (vm: ProxmoxVm) => {
    if (vm.lock) throw new PveError(500, `VM is locked (${vm.lock})`);
    return vm;
  };
  const ok = (res: Response, data: unknown) => res.json({ data });

  api.get('/version', (_req, res) => ok(res, PVE_VERSION));

  api.get('/cluster/nextid', (req, res) => {
    const p = verify(paramsOf(req), { vmid: vmidCheck });
    if (p.vmid !== undefined) {
      if (vms.has(Number(p.vmid))) throw new PveError(400, 'Parameter verification failed.', { vmid: `VM ${p.vmid} already exists` });
      return ok(res, p.vmid);
    }
    let id = 100;
    while (vms.has(id)) id++;
    ok(res, String(id));
  });

  api.get('/nodes/:node/qemu', (req, res) => {
    checkNode(req);
    verify(paramsOf(req), { full: boolean });
    ok(
      res,
      [...vms.values()].map((vm) => ({
        vmid: vm.vmid,
        name: vm.name,
        status: vm.status,
        cpus: vm.cores,
        maxmem: vm.memory * 1024 ** 2,
        maxdisk: Object.values(vm.disks)[0] ?? 0,
        uptime: vm.startedAt ? Math.floor((Date.now() - vm.startedAt) / 1000) : 0,
        ...(vm.template ? { template: 1 } : {}),
        ...(vm.lock ? { lock: vm.lock } : {}),
      })),
    );
  });

  api.post('/nodes/:node/qemu/:vmid/clone', (req, res) => {
    const source = vmOf(req);
    const p = verify(
      paramsOf(req),
      { newid: vmidCheck, name: dnsName, full: boolean, storage: pattern(/^[a-z][a-z0-9\-_.]*[a-z0-9]$/i), target: text, description: text, pool: text, snapname: text, format: pattern(/^(raw|qcow2|vmdk)$/) },
      ['newid'],
    );
    if (p.target !== undefined && p.target !== node) throw new PveError(500, `hostname lookup '${p.target}' failed - failed to get address info for: ${p.target}: Name or service not known`);
    const newid = Number(p.newid);
    if (vms.has(newid)) throw new PveError(500, `unable to create VM ${newid}: config file already exists`);
    unlocked(source);
    const copy: ProxmoxVm = {
      vmid: newid,
      name: p.name ?? `Copy-of-VM-${source.name}`,
      template: false,
      status: 'stopped',
      cores: source.cores,
      memory: source.memory,
      disks: { ...source.disks },
      lock: 'clone',
    };
    vms.set(newid, copy);
    const upid = runTask(
      'qmclone',
      source.vmid,
      () => void delete copy.lock,
      () => void vms.delete(newid),
    );
    ok(res, upid);
  });

  const configSchema: Record<string, Check> = {
    cores: integer(1, 1024),
    sockets: integer(1, 4),
    memory: integer(16),
    name: dnsName,
    description: text,
    onboot: boolean,
    digest: text,
    skiplock: boolean,
  };
  const applyConfig = (vm: ProxmoxVm, p: Record<string, string>) => {
    if (p.cores !== undefined) vm.cores = Number(p.cores);
    if (p.memory !== undefined) vm.memory = Number(p.memory);
    if (p.name !== undefined) vm.name = p.name;
  };

  api
    .route('/nodes/:node/qemu/:vmid/config')
    .get((req, res) => {
      const vm = vmOf(req);
      const drives = Object.fromEntries(
        Object.entries(vm.disks).map(([d, bytes]) => [d, `local-lvm:${vm.template ? 'base' : 'vm'}-${vm.vmid}-disk-0,size=${printSize(bytes)}`]),
      );
      ok(res, {
        name: vm.name,
        cores: vm.cores,
        memory: String(vm.memory),
        ...drives,
        ...(vm.template ? { template: 1 } : {}),
        ...(vm.lock ? { lock: vm.lock } : {}),
        digest: crypto.createHash('sha1').update(JSON.stringify(vm)).digest('hex'),
      });
    })
    .post((req, res) => {
      const vm = unlocked(vmOf(req));
      const p = verify(paramsOf(req), configSchema);
      ok(res, runTask('qmconfig', vm.vmid, () => applyConfig(vm, p)));
    })
    .put((req, res) => {
      const vm = unlocked(vmOf(req));
      applyConfig(vm, verify(paramsOf(req), configSchema));
      ok(res, null);
    });

  api.put('/nodes/:node/qemu/:vmid/resize', (req, res) => {
    const vm = unlocked(vmOf(req));
    const p = verify(
      paramsOf(req),
      { disk: (v) => (DRIVE_RE.test(v) ? undefined : `value '${v}' does not have a value in the enumeration`), size: pattern(SIZE_RE), digest: text, skiplock: boolean },
      ['disk', 'size'],
    );
    ok(
      res,
      runTask('resize', vm.vmid, () => {
        const current = vm.disks[p.disk];
        if (current === undefined) throw new Error(`disk '${p.disk}' does not exist`);
        const wanted = sizeToBytes(p.size, current);
        if (wanted < current) throw new Error('shrinking disks is not supported');
        vm.disks[p.disk] = wanted;
      }),
    );
  });

  const powerSchema: Record<string, Check> = { skiplock: boolean, timeout: integer(0), keepActive: boolean, forceStop: boolean, 'overrule-shutdown': boolean, migratedfrom: text, stateuri: text };

  api.post('/nodes/:node/qemu/:vmid/status/:action', (req, res) => {
    const action = String(req.params.action);
    // Proxmox VE itself answers 501 "Method '…' not implemented" for a path it does not have;
    // the driver must see the same answer here (it treats it as a permanent failure).
    if (!['start', 'stop', 'shutdown', 'reboot'].includes(action)) throw new PveError(501, `Method 'POST /nodes/${node}/qemu/${req.params.vmid}/status/${action}' not implemented`);
    const vm = unlocked(vmOf(req));
    verify(paramsOf(req), powerSchema);
    if (action === 'start') {
      if (vm.template) throw new PveError(500, "you can't start a vm if it's a template");
      return ok(
        res,
        runTask('qmstart', vm.vmid, () => {
          if (vm.status === 'running') throw new Error(`VM ${vm.vmid} already running`);
          vm.status = 'running';
          vm.startedAt = Date.now();
        }),
      );
    }
    if (action === 'reboot') {
      if (vm.status !== 'running') throw new PveError(500, `VM ${vm.vmid} not running`);
      return ok(res, runTask('qmreboot', vm.vmid, () => void (vm.startedAt = Date.now())));
    }
    ok(
      res,
      runTask(action === 'stop' ? 'qmstop' : 'qmshutdown', vm.vmid, () => {
        vm.status = 'stopped';
        delete vm.startedAt;
      }),
    );
  });

  api.get('/nodes/:node/qemu/:vmid/status/current', (req, res) => {
    const vm = vmOf(req);
    ok(res, {
      vmid: vm.vmid,
      name: vm.name,
      status: vm.status,
      qmpstatus: vm.status,
      cpus: vm.cores,
      maxmem: vm.memory * 1024 ** 2,
      maxdisk: Object.values(vm.disks)[0] ?? 0,
      uptime: vm.startedAt ? Math.floor((Date.now() - vm.startedAt) / 1000) : 0,
      ha: { managed: 0 },
      ...(vm.status === 'running' ? { pid: 4000 + vm.vmid } : {}),
      ...(vm.template ? { template: 1 } : {}),
      ...(vm.lock ? { lock: vm.lock } : {}),
    });
  });

  api.delete('/nodes/:node/qemu/:vmid', (req, res) => {
    const vm = unlocked(vmOf(req));
    verify(paramsOf(req), { purge: boolean, 'destroy-unreferenced-disks': boolean, skiplock: boolean });
    if (vm.status === 'running') throw new PveError(500, `VM ${vm.vmid} is running - destroy failed`);
    vm.lock = 'destroyed';
    ok(
      res,
      runTask(
        'qmdestroy',
        vm.vmid,
        () => void vms.delete(vm.vmid),
        () => void delete vm.lock,
      ),
    );
  });

  api.get('/nodes/:node/tasks/:upid/status', (req, res) => {
    checkNode(req);
    const upid = String(req.params.upid);
    if (!upid.startsWith('UPID:')) throw new PveError(400, 'Parameter verification failed.', { upid: 'unable to parse worker upid' });
    const task = tasks.get(upid);
    if (!task) throw new PveError(500, `no such task`);
    const [user, tokenid] = task.user.split('!');
    ok(res, { ...task, user, tokenid });
  });

  // Any other path: Proxmox VE's own answer to a method it does not have (the driver uses none).
  api.use((req: Request) => {
    throw new PveError(501, `Method '${req.method} ${req.path}' not implemented`);
  });

  app.use('/api2/json', api);
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err instanceof PveError ? err : new PveError((err as { status?: number }).status ?? 500, (err as Error).message || 'internal error');
    res.status(e.status);
    res.statusMessage = e.message.replace(/[^\x20-\x7e]+/g, ' ').trim();
    res.json({ data: null, ...(e.errors ? { errors: e.errors } : e.status >= 500 ? { message: `${e.message}\n` } : {}) });
  });

  const server: Server = await new Promise((resolve, reject) => {
    const s = opts.tls ? https.createServer({ key: opts.tls.key, cert: opts.tls.cert }, app).listen(opts.port ?? 0, '127.0.0.1') : app.listen(opts.port ?? 0, '127.0.0.1');
    s.once('listening', () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}/api2/json`,
    port,
    node,
    state,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
