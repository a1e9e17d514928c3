#!/usr/bin/env node
// Entry point of every top-level npm command. It runs before anything is installed, so it uses
// only Node's standard library: install packages when package-lock.json changed, create .env
// from .env.example with fresh secrets, generate the Prisma client when the schema changed, then
// hand over to the TypeScript script for the command.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const COMMANDS = {
  start: 'scripts/start.ts',
  test: 'scripts/test.ts',
  build: 'scripts/build.ts',
  bench: 'scripts/bench.ts',
  migrate: 'apps/api/src/cli/migrate.ts',
  seed: 'apps/api/src/cli/seed.ts',
  'user:create': 'apps/api/src/cli/user-create.ts',
  services: 'scripts/services.ts',
};

function log(msg) {
  console.log(`[mpanel] ${msg}`);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`[mpanel] ${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
}

function hashFiles(files) {
  const h = crypto.createHash('sha256');
  for (const f of files) {
    const p = path.join(root, f);
    h.update(f).update(fs.existsSync(p) ? fs.readFileSync(p) : '');
  }
  return h.digest('hex');
}

function ensurePackages() {
  const stamp = path.join(root, 'node_modules', '.mpanel-install');
  const want = hashFiles(['package.json', 'package-lock.json', 'apps/api/package.json', 'apps/admin/package.json']);
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === want) return;
  const lock = fs.existsSync(path.join(root, 'package-lock.json'));
  log(lock ? 'installing packages (npm ci)…' : 'installing packages (npm install)…');
  run('npm', [lock ? 'ci' : 'install', '--no-audit', '--no-fund', '--loglevel=error']);
  fs.writeFileSync(stamp, want);
}

const SECRET_KEYS = ['JWT_SECRET', 'SECRETS_KEY', 'INTERNAL_API_KEYS', 'MARKETING_WEBHOOK_SECRET', 'STRIPE_WEBHOOK_SECRET', 'POWERDNS_API_KEY', 'MAILCORE_API_KEY', 'PROXMOX_TOKEN_SECRET', 'SEED_ADMIN_PASSWORD'];

function ensureEnvFile() {
  const envPath = path.join(root, '.env');
  if (fs.existsSync(envPath)) return;
  let text = fs.readFileSync(path.join(root, '.env.example'), 'utf8');
  for (const key of SECRET_KEYS) {
    const value = key === 'SEED_ADMIN_PASSWORD' ? `Mp-${crypto.randomBytes(9).toString('base64url')}` : crypto.randomBytes(32).toString('base64url');
    text = text.replace(new RegExp(`^${key}=.*$`, 'm'), `${key}=${value}`);
  }
  fs.writeFileSync(envPath, text, { mode: 0o600 });
  log('created .env from .env.example with fresh secrets');
}

function ensurePrismaClient() {
  const out = path.join(root, 'apps/api/src/generated/prisma');
  const stamp = path.join(out, '.schema-hash');
  const want = hashFiles(['prisma/schema.prisma', 'package-lock.json']);
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === want) return;
  const env = { ...process.env };
  // `prisma generate` does not use the schema engine, but the CLI insists on finding one and
  // would download it. Point it at a harmless executable when the real one is absent.
  const enginesDir = path.join(root, 'node_modules/@prisma/engines');
  const hasEngine = fs.existsSync(enginesDir) && fs.readdirSync(enginesDir).some((f) => f.startsWith('schema-engine'));
  if (!hasEngine && !env.PRISMA_SCHEMA_ENGINE_BINARY) env.PRISMA_SCHEMA_ENGINE_BINARY = process.platform === 'win32' ? process.execPath : '/bin/false';
  log('generating Prisma client…');
  run(path.join(root, 'node_modules/.bin/prisma'), ['generate'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  fs.writeFileSync(stamp, want);
}

const [command, ...rest] = process.argv.slice(2);
const script = COMMANDS[command];
if (!script && command !== 'generate') {
  console.error(`usage: node scripts/bootstrap.mjs <${[...Object.keys(COMMANDS), 'generate'].join('|')}>`);
  process.exit(2);
}
ensurePackages();
ensureEnvFile();
ensurePrismaClient();
if (command === 'generate') process.exit(0);
const child = spawn(path.join(root, 'node_modules/.bin/tsx'), [script, ...rest], { cwd: root, stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
