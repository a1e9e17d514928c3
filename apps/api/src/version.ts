import fs from 'node:fs';
import path from 'node:path';

/** The API package's version, found from src/ and from dist/src/ alike. */
function readVersion(): string {
  for (let dir = __dirname, i = 0; i < 4; i++, dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return '0.0.0';
}

export const VERSION = readVersion();
