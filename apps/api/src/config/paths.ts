import fs from 'node:fs';
import path from 'node:path';

/** The repository root (where prisma/ lives), found from this file whether run from src or dist. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'prisma', 'schema.prisma'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('Cannot find the mPanel repository root (prisma/schema.prisma)');
    dir = parent;
  }
  return dir;
}

export const migrationsDir = () => path.join(repoRoot(), 'prisma', 'migrations');
