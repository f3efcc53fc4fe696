import { readdirSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { createRequire } from 'node:module';
import type FastGlob from 'fast-glob';
import type Picomatch from 'picomatch';
import { comparePaths } from '../model/index.js';
import { SUPPORTED_EXTENSIONS } from './read.js';

// Loaded on first use, not at import: importing the package (or starting a worker) should not pay for
// libraries that scanning a text never needs (cold start, issue 17).
const requireHere = createRequire(import.meta.url);
let fastGlobModule: typeof FastGlob | undefined;
const fastGlob = (): typeof FastGlob => (fastGlobModule ??= requireHere('fast-glob') as typeof FastGlob);
let picomatchModule: typeof Picomatch | undefined;
const picomatch = (): typeof Picomatch => (picomatchModule ??= requireHere('picomatch') as typeof Picomatch);

export { SUPPORTED_EXTENSIONS };

export interface Expanded {
  /** files to scan, as display paths (relative to cwd), sorted in code-unit order */
  files: string[];
  /** named or matched entries not scanned, each with why: never dropped silently */
  skipped: { path: string; reason: string }[];
  /** folders that could not be read: each becomes an error row of the run (the run goes on) */
  unreadable: { path: string; error: string }[];
  /** patterns that matched nothing: an error for the caller */
  unmatched: string[];
}

/** How a file is named in results: relative to the working directory of the run. */
export const displayPath = (cwd: string, abs: string): string => relative(cwd, abs) || abs;

const posix = (p: string) => p.split(sep).join('/');
const code = (err: unknown) => (err as NodeJS.ErrnoException)?.code ?? 'error';

/** What kind of thing a path is, following links; a link that leads nowhere says so. */
function kindOf(abs: string, viaLink: boolean): { stats?: Stats; reason?: string } {
  try {
    return { stats: statSync(abs) };
  } catch (err) {
    const c = code(err);
    if (viaLink && c === 'ENOENT') return { reason: 'a symbolic link to nothing (broken link)' };
    if (c === 'ELOOP') return { reason: 'a symbolic link that loops' };
    return { reason: `cannot be read (${c})` };
  }
}

function special(st: Stats): string {
  return st.isFIFO() ? 'a named pipe (FIFO)' : st.isSocket() ? 'a socket' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : 'not a regular file';
}

/**
 * Paths, directories and globs to the files to scan. Directories are walked, following
 * symbolic links to files and folders, each real file and folder once (a link back up the tree
 * is a loop: listed, not followed). Everything not scanned is listed with why: a file of a type
 * we cannot read, a hidden file or folder, a broken or looping link, a named pipe or device, a
 * second path to a file already listed. A folder that cannot be read is an error row of its
 * own, and the run goes on. `ignore` globs (relative to cwd) leave files out of directory and
 * glob expansion (silently, as asked); a file named explicitly is always considered.
 */
export function expandInputs(patterns: string[], opts: { ignore?: string[]; extensions?: readonly string[]; cwd?: string } = {}): Expanded {
  const exts = opts.extensions ?? SUPPORTED_EXTENSIONS;
  const cwd = resolve(opts.cwd ?? process.cwd());
  // Candidates: display path -> real path, and whether it was reached through a link.
  const candidates = new Map<string, { real: string; link: boolean }>();
  const skipped = new Map<string, string>();
  const unreadable = new Map<string, string>();
  const unmatched: string[] = [];
  const ignored = opts.ignore?.length ? picomatch()(opts.ignore.map((g) => g.replace(/\\/g, '/')), { dot: true }) : undefined;
  const isIgnored = (abs: string) => !!ignored && ignored(posix(relative(cwd, abs)));

  const consider = (abs: string, real: string): boolean => {
    const shown = displayPath(cwd, abs);
    const ext = extname(abs).toLowerCase();
    if (!exts.includes(ext)) {
      skipped.set(shown, ext ? `unsupported file type ${ext}` : 'no file extension');
      return true;
    }
    candidates.set(shown, { real, link: real !== abs });
    return true;
  };

  /** Walk a folder; `accept` filters files (globs; hidden folders are then passed over unlisted). */
  const walk = (root: string, accept: (abs: string) => boolean, isGlob = false): boolean => {
    let found = false;
    const seenDirs = new Set<string>();
    const stack: string[] = [root];
    while (stack.length) {
      const dir = stack.pop()!;
      let real: string;
      try {
        real = realpathSync(dir);
      } catch (err) {
        unreadable.set(displayPath(cwd, dir), `cannot read folder (${code(err)})`);
        continue;
      }
      if (seenDirs.has(real)) {
        skipped.set(displayPath(cwd, dir), 'a link to a folder already scanned (a loop): not entered again');
        continue;
      }
      seenDirs.add(real);
      let entries: Dirent[];
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch (err) {
        unreadable.set(displayPath(cwd, dir), `cannot read folder (${code(err)})`);
        continue;
      }
      entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
      for (const e of entries) {
        const abs = join(dir, e.name);
        if (isIgnored(abs)) continue;
        const link = e.isSymbolicLink();
        let isDir = e.isDirectory();
        let isFile = e.isFile();
        let why: string | undefined;
        if (link || (!isDir && !isFile)) {
          const k = kindOf(abs, link);
          if (k.reason) why = k.reason;
          else if (k.stats!.isDirectory()) isDir = true;
          else if (k.stats!.isFile()) isFile = true;
          else why = special(k.stats!);
        }
        if (e.name.startsWith('.')) {
          // Hidden files and folders (.git, editor backups) are not documents; listed, never silently dropped.
          if (isDir ? !isGlob : accept(abs)) skipped.set(displayPath(cwd, abs), isDir ? 'a hidden folder: not entered' : 'a hidden file');
          continue;
        }
        if (why) {
          if (accept(abs)) {
            skipped.set(displayPath(cwd, abs), why);
            found = true;
          }
          continue;
        }
        if (isDir) stack.push(abs);
        else if (isFile && accept(abs)) {
          let realFile = abs;
          try {
            realFile = realpathSync(abs);
          } catch {
            /* read errors surface when the file is read */
          }
          found = consider(abs, realFile) || found;
        }
      }
    }
    return found;
  };

  for (const p of patterns) {
    const abs = resolve(cwd, p);
    let st: Stats | undefined;
    let lstatWhy: string | undefined;
    try {
      st = statSync(abs);
    } catch (err) {
      st = undefined;
      const c = code(err);
      if (c !== 'ENOENT' && c !== 'ENOTDIR') lstatWhy = c === 'ELOOP' ? 'a symbolic link that loops' : `cannot be read (${c})`;
    }
    if (lstatWhy) {
      skipped.set(displayPath(cwd, abs), lstatWhy);
      continue;
    }
    if (st?.isFile()) {
      let real = abs;
      try {
        real = realpathSync(abs);
      } catch {
        /* read errors surface when the file is read */
      }
      consider(abs, real);
      continue;
    }
    if (st?.isDirectory()) {
      walk(abs, () => true);
      continue;
    }
    if (st) {
      skipped.set(displayPath(cwd, abs), special(st));
      continue;
    }
    // A glob: walk its static base, keeping what it matches.
    const glob = p.replace(/\\/g, '/');
    if (!fastGlob().isDynamicPattern(glob)) {
      unmatched.push(p);
      continue;
    }
    const segs = glob.split('/');
    const k = segs.findIndex((x) => x !== '' && fastGlob().isDynamicPattern(x));
    const base = resolve(cwd, (k < 0 ? segs : segs.slice(0, k)).join('/') || (glob.startsWith('/') ? '/' : '.'));
    const matches = picomatch()(glob, { dot: false });
    const absolute = isAbsolute(glob);
    const accept = (f: string) => matches(absolute ? posix(f) : posix(relative(cwd, f)));
    let baseOk = false;
    try {
      baseOk = statSync(base).isDirectory();
    } catch {
      baseOk = false;
    }
    if (!(baseOk && walk(base, accept, true))) unmatched.push(p);
  }
  // Each real file once: the path not through a link wins, then the first in order; the others are listed.
  const byReal = new Map<string, string[]>();
  for (const [shown, c] of candidates) {
    const list = byReal.get(c.real);
    if (list) list.push(shown);
    else byReal.set(c.real, [shown]);
  }
  const files: string[] = [];
  for (const shownList of byReal.values()) {
    shownList.sort((a, b) => Number(candidates.get(a)!.link) - Number(candidates.get(b)!.link) || comparePaths(a, b));
    files.push(shownList[0]);
    for (const other of shownList.slice(1)) skipped.set(other, `the same file as ${shownList[0]} (scanned once)`);
  }
  return {
    files: files.sort(comparePaths),
    skipped: [...skipped].map(([path, reason]) => ({ path, reason })).sort((a, b) => comparePaths(a.path, b.path)),
    unreadable: [...unreadable].map(([path, error]) => ({ path, error })).sort((a, b) => comparePaths(a.path, b.path)),
    unmatched,
  };
}
