/**
 * Nothing in a scanned folder is dropped silently: links to files and folders are followed
 * (each real file once, loops detected), and whatever is not scanned is listed with why; a
 * folder that cannot be read is an error row and the run goes on.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandInputs } from '../src/batch/expand.js';
import { CLI, ensureBuilt, jsonLines, rmrf, tempDir } from './batch-helpers.js';

let dir: string;
beforeAll(async () => {
  await ensureBuilt();
  dir = tempDir('sgs-inputs-');
  const d = join(dir, 'docs');
  mkdirSync(join(d, 'sub'), { recursive: true });
  mkdirSync(join(dir, 'elsewhere'));
  writeFileSync(join(d, 'a.txt'), 'Seen today, well.');
  writeFileSync(join(d, 'sub', 'b.txt'), 'Disclosed that partner hit her. MARAC referral made.');
  writeFileSync(join(dir, 'elsewhere', 'c.txt'), 'Child protection plan in place.');
  symlinkSync(join(dir, 'elsewhere', 'c.txt'), join(d, 'link-to-file.txt'));
  symlinkSync(join(dir, 'elsewhere'), join(d, 'link-to-folder'));
  symlinkSync(join(dir, 'nowhere.txt'), join(d, 'dangling.txt'));
  symlinkSync(join(d, 'loop2.txt'), join(d, 'loop1.txt'));
  symlinkSync(join(d, 'loop1.txt'), join(d, 'loop2.txt'));
  symlinkSync(d, join(d, 'sub', 'back-up')); // a link back up the tree
  symlinkSync(join(d, 'a.txt'), join(d, 'same-as-a.txt'));
  execFileSync('mkfifo', [join(d, 'pipe.txt')]);
  mkdirSync(join(d, 'locked'));
  writeFileSync(join(d, 'locked', 'hidden-away.txt'), 'MARAC referral made.');
  writeFileSync(join(d, '.draft.txt'), 'draft');
  mkdirSync(join(d, '.git'));
  writeFileSync(join(d, '.git', 'x.txt'), 'x');
});
afterAll(() => {
  try {
    chmodSync(join(dir, 'docs', 'locked'), 0o755);
  } catch {
    /* already gone */
  }
  rmrf(dir);
});

describe('expanding folders', () => {
  it('follows links to files and folders once each, and lists everything else with why', () => {
    const ex = expandInputs(['docs'], { cwd: dir });
    expect(ex.files).toEqual(['docs/a.txt', 'docs/link-to-file.txt', 'docs/locked/hidden-away.txt', 'docs/sub/b.txt']);
    // docs/link-to-folder/c.txt is the same file as docs/link-to-file.txt: scanned once, the other path listed.
    expect(ex.skipped.find((s) => s.path === 'docs/link-to-folder/c.txt')?.reason).toBe('the same file as docs/link-to-file.txt (scanned once)');
    const why = Object.fromEntries(ex.skipped.map((s) => [s.path, s.reason]));
    expect(why['docs/dangling.txt']).toBe('a symbolic link to nothing (broken link)');
    expect(why['docs/loop1.txt']).toBe('a symbolic link that loops');
    expect(why['docs/loop2.txt']).toBe('a symbolic link that loops');
    expect(why['docs/pipe.txt']).toBe('a named pipe (FIFO)');
    expect(why['docs/sub/back-up']).toMatch(/a link to a folder already scanned \(a loop\)/);
    expect(why['docs/same-as-a.txt']).toBe('the same file as docs/a.txt (scanned once)');
    expect(why['docs/.draft.txt']).toBe('a hidden file');
    expect(why['docs/.git']).toBe('a hidden folder: not entered');
    expect(ex.unreadable).toEqual([]);
  });
});

/** Give others search permission on every folder above `file` that lacks it; returns what to put back. */
function openPathTo(file: string): [string, number][] {
  const changed: [string, number][] = [];
  for (let d = dirname(file); ; d = dirname(d)) {
    const mode = statSync(d).mode & 0o7777;
    if (!(mode & 0o001)) {
      chmodSync(d, mode | 0o001);
      changed.push([d, mode]);
    }
    if (dirname(d) === d) return changed;
  }
}

describe('an unreadable folder (run as another user: as root, permission bits do not stop reads)', () => {
  it('is an error row naming the folder; the run goes on and exits 2', () => {
    chmodSync(dir, 0o755);
    chmodSync(join(dir, 'docs', 'locked'), 0o000);
    // The user must reach the CLI: a clone inside a private folder (mktemp -d makes them 0700)
    // is opened to others for the run (search only), and put back as it was after.
    const opened = openPathTo(CLI);
    let r;
    try {
      r = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, CLI, 'scan', 'docs', '-f', 'jsonl', '--concurrency', '1'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    } finally {
      for (const [p, mode] of opened) chmodSync(p, mode);
    }
    chmodSync(join(dir, 'docs', 'locked'), 0o755);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.status).toBe(2);
    const docs = jsonLines(r.stdout);
    const locked = docs.find((d) => d.path === 'docs/locked');
    expect(locked).toMatchObject({ verdict: 'review', error: 'cannot read folder (EACCES)' });
    expect(docs.find((d) => d.path === 'docs/sub/b.txt')).toMatchObject({ verdict: 'withhold' });
    expect(r.stderr).toMatch(/skipped docs\/pipe\.txt: a named pipe \(FIFO\)/);
  });
});
