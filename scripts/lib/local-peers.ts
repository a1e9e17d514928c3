/**
 * The far sides of a local mPanel, on loopback, for `npm start`: a PowerDNS Authoritative server
 * (LMDB, under .data/pdns), an sshd that plays the demo web server srv1-web with its file system
 * sandboxed under .data/host-root, and local stand-ins for the company's mail-core and Proxmox
 * APIs (the contract servers the tests use). Each uses the URL and key from .env, so the API and
 * worker reach them exactly as they would reach production.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ensurePowerDnsRunning } from './peers/powerdns';
import { generateClientKey, prepareHostRoot, startSshd } from './peers/sshd';
import { startMailcoreServer } from './peers/mailcore-server';
import { startProxmoxServer } from './peers/proxmox-server';
import { dataDir, log, tcpOpen } from './services';

export interface LocalPeers {
  /** Variables the API and worker need on top of .env (the demo web server's key). */
  env: Record<string, string>;
  webSsh: { port: number; username: string };
  stop(): Promise<void>;
}

const portOf = (url: string) => Number(new URL(url).port || (new URL(url).protocol === 'https:' ? 443 : 80));
const isLoopback = (url: string) => ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);

export async function startLocalPeers(env: Record<string, string | undefined>): Promise<LocalPeers> {
  const stops: Array<() => Promise<void>> = [];
  const extra: Record<string, string> = {};

  const pdnsUrl = env.POWERDNS_API_URL ?? 'http://127.0.0.1:8081/api/v1';
  if (isLoopback(pdnsUrl)) {
    const pdns = await ensurePowerDnsRunning({
      dir: path.join(dataDir, 'pdns'),
      apiPort: portOf(pdnsUrl),
      dnsPort: Number(env.LOCAL_DNS_PORT ?? 5300),
      apiKey: env.POWERDNS_API_KEY ?? '',
    });
    log(`PowerDNS: ${pdns.status} (DNS on 127.0.0.1:${pdns.dnsPort}, API ${pdns.apiUrl}); try: dig @127.0.0.1 -p ${pdns.dnsPort} <domain>`);
  }

  const mailUrl = env.MAILCORE_API_URL ?? 'http://127.0.0.1:8080/api';
  if (isLoopback(mailUrl) && !(await tcpOpen('127.0.0.1', portOf(mailUrl)))) {
    const mail = await startMailcoreServer({ port: portOf(mailUrl), apiKey: env.MAILCORE_API_KEY ?? '' });
    stops.push(() => mail.stop());
    log(`mail-core (local contract server): ${mail.url}`);
  }

  const pveUrl = env.PROXMOX_API_URL ?? 'http://127.0.0.1:8006/api2/json';
  if (isLoopback(pveUrl) && env.PROXMOX_TOKEN_SECRET && !(await tcpOpen('127.0.0.1', portOf(pveUrl)))) {
    const pve = await startProxmoxServer({
      port: portOf(pveUrl),
      node: 'pve1',
      tokenId: 'mpanel@pve!provisioning',
      tokenSecret: env.PROXMOX_TOKEN_SECRET,
      templates: { 'debian-12': 9000 },
    });
    stops.push(() => pve.stop());
    log(`Proxmox VE API (local contract server): ${pve.url}`);
  }

  // The demo web server: a real sshd whose sessions run the host scripts inside .data/host-root.
  const keyDir = path.join(dataDir, 'ssh');
  const keyPath = path.join(keyDir, 'id_ed25519');
  const client = fs.existsSync(keyPath) ? { privateKeyPath: keyPath, publicKey: fs.readFileSync(`${keyPath}.pub`, 'utf8') } : generateClientKey(keyDir);
  const hostRoot = prepareHostRoot(path.join(dataDir, 'host-root')).root;
  const sshd = await startSshd({ dir: path.join(dataDir, 'sshd'), port: Number(env.LOCAL_WEB_SSH_PORT ?? 2222), hostRoot, authorizedKeys: [client.publicKey] });
  stops.push(() => sshd.stop());
  if (!env.SSH_PRIVATE_KEY_PATH) extra.SSH_PRIVATE_KEY_PATH = client.privateKeyPath;
  if (!env.HOST_SCRIPTS_DIR || env.HOST_SCRIPTS_DIR === '/opt/mpanel/host') extra.HOST_SCRIPTS_DIR = path.resolve(__dirname, '..', 'host');
  log(`demo web server srv1-web: sshd on 127.0.0.1:${sshd.port}, sites under ${hostRoot}`);

  return {
    env: extra,
    webSsh: { port: sshd.port, username: sshd.username },
    async stop() {
      for (const stop of stops.reverse()) await stop().catch(() => undefined);
    },
  };
}
