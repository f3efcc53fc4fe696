import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;
/** The package's own version, from the nearest package.json named safeguard-scan above this module. */
export function toolVersion(): string {
  if (cached) return cached;
  cached = '0.0.0';
  let dir = typeof __dirname !== 'undefined' ? __dirname : dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const f = join(dir, 'package.json');
    if (existsSync(f)) {
      try {
        const pkg = JSON.parse(readFileSync(f, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'safeguard-scan') {
          cached = pkg.version ?? '0.0.0';
          break;
        }
      } catch {
        /* keep looking */
      }
    }
    dir = dirname(dir);
  }
  return cached;
}
