import { statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import fg from 'fast-glob';

export const SUPPORTED_EXTENSIONS = ['.txt', '.md', '.text'];

export interface Expanded {
  files: string[];
  /** named or matched files of a type we cannot read: listed, never dropped silently */
  skipped: { path: string; reason: string }[];
  /** patterns that matched nothing: an error for the caller */
  unmatched: string[];
}

/**
 * Paths, directories and globs to the files to scan. Directories expand to their supported
 * files; a pattern that matches nothing is reported.
 */
export function expandInputs(patterns: string[], opts: { ignore?: string[]; extensions?: string[]; cwd?: string } = {}): Expanded {
  const exts = opts.extensions ?? SUPPORTED_EXTENSIONS;
  const cwd = opts.cwd ?? process.cwd();
  const files = new Set<string>();
  const skipped = new Map<string, string>();
  const unmatched: string[] = [];
  const ignore = opts.ignore ?? [];
  const consider = (file: string, named: boolean) => {
    const ext = extname(file).toLowerCase();
    if (exts.includes(ext)) files.add(file);
    else if (named || ext !== '') skipped.set(file, ext ? `unsupported file type ${ext}` : 'no file extension');
  };
  for (const p of patterns) {
    const abs = resolve(cwd, p);
    let st: ReturnType<typeof statSync> | undefined;
    try {
      st = statSync(abs);
    } catch {
      st = undefined;
    }
    if (st?.isFile()) {
      consider(abs, true);
      continue;
    }
    const glob = st?.isDirectory() ? fg.convertPathToPattern(abs) + '/**/*' : p.replace(/\\/g, '/');
    const found = fg.sync(glob, { cwd, absolute: true, onlyFiles: true, dot: false, ignore, followSymbolicLinks: false });
    if (found.length === 0) {
      unmatched.push(p);
      continue;
    }
    for (const f of found) consider(f, false);
  }
  return {
    files: [...files].sort(),
    skipped: [...skipped].map(([path, reason]) => ({ path, reason })).sort((a, b) => (a.path < b.path ? -1 : 1)),
    unmatched,
  };
}
