import { statSync } from 'node:fs';
import { extname, isAbsolute, relative, resolve } from 'node:path';
import fg from 'fast-glob';
import { comparePaths } from '../model/index.js';
import { SUPPORTED_EXTENSIONS } from './read.js';

export { SUPPORTED_EXTENSIONS };

export interface Expanded {
  /** files to scan, as display paths (relative to cwd), sorted in code-unit order */
  files: string[];
  /** named or matched files of a type we cannot read: listed, never dropped silently */
  skipped: { path: string; reason: string }[];
  /** patterns that matched nothing: an error for the caller */
  unmatched: string[];
}

/** How a file is named in results: relative to the working directory of the run. */
export const displayPath = (cwd: string, abs: string): string => relative(cwd, abs) || abs;

/**
 * Paths, directories and globs to the files to scan. Directories expand to every file under
 * them (hidden files and folders excluded); `ignore` globs (relative to cwd) leave files out of
 * directory and glob expansion; a file named explicitly is always considered.
 */
export function expandInputs(patterns: string[], opts: { ignore?: string[]; extensions?: readonly string[]; cwd?: string } = {}): Expanded {
  const exts = opts.extensions ?? SUPPORTED_EXTENSIONS;
  const cwd = resolve(opts.cwd ?? process.cwd());
  const files = new Set<string>();
  const skipped = new Map<string, string>();
  const unmatched: string[] = [];
  const ignore = opts.ignore ?? [];
  const consider = (abs: string) => {
    const ext = extname(abs).toLowerCase();
    const shown = displayPath(cwd, abs);
    if (exts.includes(ext)) files.add(shown);
    else skipped.set(shown, ext ? `unsupported file type ${ext}` : 'no file extension');
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
      consider(abs);
      continue;
    }
    let glob: string;
    if (st?.isDirectory()) {
      const rel = relative(cwd, abs);
      glob = (rel === '' ? '' : isAbsolute(rel) || rel.startsWith('..') ? fg.convertPathToPattern(abs) + '/' : fg.convertPathToPattern(rel) + '/') + '**/*';
    } else glob = p.replace(/\\/g, '/');
    const found = fg.sync(glob, { cwd, absolute: true, onlyFiles: true, dot: false, ignore, followSymbolicLinks: false, unique: true });
    if (found.length === 0) {
      unmatched.push(p);
      continue;
    }
    for (const f of found) consider(f);
  }
  return {
    files: [...files].sort(comparePaths),
    skipped: [...skipped].map(([path, reason]) => ({ path, reason })).sort((a, b) => comparePaths(a.path, b.path)),
    unmatched,
  };
}
