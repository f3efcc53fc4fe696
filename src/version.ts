import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { builtinLexiconDir } from './lexicon/load.js';

let cached: string | undefined;
/** The package's own version, read from its package.json (next to the lexicons folder). */
export function toolVersion(): string {
  if (cached) return cached;
  try {
    const pkg = JSON.parse(readFileSync(join(dirname(builtinLexiconDir()), 'package.json'), 'utf8')) as { version?: string };
    cached = pkg.version ?? '0.0.0';
  } catch {
    cached = '0.0.0';
  }
  return cached;
}
