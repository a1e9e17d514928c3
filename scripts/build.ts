/** `npm run build`: compile the API (tsc) and build the admin SPA (vite) when it has a build. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { log, root } from './lib/services';

export function build() {
  log('building the API…');
  const tsc = spawnSync(path.join(root, 'node_modules/.bin/tsc'), ['-p', 'apps/api/tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (tsc.status !== 0) throw new Error('API build failed');
  const admin = JSON.parse(fs.readFileSync(path.join(root, 'apps/admin/package.json'), 'utf8')) as { scripts?: Record<string, string> };
  if (admin.scripts?.build) {
    log('building the admin SPA…');
    const vite = spawnSync('npm', ['run', 'build', '-w', 'apps/admin'], { cwd: root, stdio: 'inherit' });
    if (vite.status !== 0) throw new Error('admin SPA build failed');
  }
}

if (require.main === module) {
  try {
    build();
  } catch (err) {
    console.error(`[mpanel] ${(err as Error).message}`);
    process.exit(1);
  }
}
