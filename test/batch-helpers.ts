/** Shared by the batch and CLI tests: generated documents, temp folders, the built CLI. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'vitest';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = join(ROOT, 'dist', 'cli.js');

const ROUTINE = [
  'Seen in clinic today. BP 128/82, pulse 72 regular. Continue amlodipine 5 mg once daily. Review in 6 months.',
  'Telephone consultation. Cough for 5 days, no fever, chest clear on video. Advised fluids and paracetamol. Safety-netted.',
  'Asthma review. Peak flow 420 L/min, inhaler technique good. Uses salbutamol twice a week. Continue current treatment.',
  'Knee pain after running. No swelling, full range of movement. Physiotherapy referral made. Ibuprofen gel as required.',
  'Medication review. Taking metformin 500 mg twice daily, HbA1c 48 mmol/mol. Foot check normal. Annual review booked.',
];
const RISKY = [
  'Patient disclosed domestic abuse from her partner today. MARAC referral made. Do not discuss with partner present.',
  'Child protection conference held on 12/03/2024. Child protection plan in place under the category of neglect.',
  'Chlamydia screen positive. Treated with doxycycline 100 mg twice daily for 7 days. Partner notification discussed.',
  'His brother John called to say he is worried about him; John has schizophrenia himself and was recently sectioned.',
];

/** A deterministic document: mostly routine, every `riskEvery`-th one risky; `pad` repeats routine text to make it longer. */
export function docText(i: number, opts: { riskEvery?: number; pad?: number } = {}): string {
  const every = opts.riskEvery ?? 5;
  const parts = [`Entry ${i}.`, i % every === 0 ? RISKY[(i / every) % RISKY.length] : ROUTINE[i % ROUTINE.length]];
  for (let k = 0; k < (opts.pad ?? 0); k++) parts.push(ROUTINE[(i + k) % ROUTINE.length]);
  return parts.join(' ');
}

export function tempDir(prefix = 'sgs-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Write `n` documents as `<dir>/<sub>/doc-00000.txt`, in subfolders of 1,000; returns their paths relative to `dir`. */
export function writeDocs(dir: string, n: number, opts: { riskEvery?: number; pad?: number; prefix?: string } = {}): string[] {
  const rel: string[] = [];
  for (let i = 0; i < n; i++) {
    const sub = `part-${String(Math.floor(i / 1000)).padStart(3, '0')}`;
    if (i % 1000 === 0) mkdirSync(join(dir, sub), { recursive: true });
    const name = `${sub}/${opts.prefix ?? 'doc'}-${String(i).padStart(6, '0')}.txt`;
    writeFileSync(join(dir, name), docText(i, opts));
    rel.push(name);
  }
  return rel;
}

export function rmrf(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run the built CLI to the end. */
export function runCli(args: string[], opts: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? ROOT, env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', rej);
    child.on('close', (code, signal) => res({ code, signal, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

/** Start the built CLI and hand back the process (for signals) and what it has written to stderr so far. */
export function startCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): { child: ChildProcess; done: Promise<RunResult>; stderr(): string } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? ROOT, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<RunResult>((res, rej) => {
    child.on('error', rej);
    child.on('close', (code, signal) => res({ code, signal, stdout, stderr }));
  });
  return { child, done, stderr: () => stderr };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function jsonLines(s: string): Record<string, unknown>[] {
  return s
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Peak RSS from the CLI's closing summary ("peak memory N MB"). */
export function peakMb(stderr: string): number {
  const m = /peak memory (\d+) MB/.exec(stderr);
  if (!m) throw new Error(`no peak memory in: ${stderr}`);
  return Number(m[1]);
}

export function writeText(path: string, text: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/**
 * The CLI tests run the built bin. `npm test` builds first; when the tests are run alone and
 * dist/cli.js is missing or older than a source file, build it (once, under a lock, since
 * test files run in parallel).
 */
export async function ensureBuilt(): Promise<void> {
  const { existsSync, statSync } = await import('node:fs');
  const { execSync } = await import('node:child_process');
  const fg = (await import('fast-glob')).default;
  const stale = () => {
    if (!existsSync(CLI)) return true;
    const built = statSync(CLI).mtimeMs;
    return fg.sync('src/**/*.ts', { cwd: ROOT, absolute: true }).some((f) => statSync(f).mtimeMs > built);
  };
  if (!stale()) return;
  const lock = join(ROOT, 'node_modules', '.sgs-test-build.lock');
  for (let i = 0; i < 600; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      await sleep(200);
      if (!stale()) return;
    }
  }
  try {
    if (stale()) execSync('npm run build --silent', { cwd: ROOT, stdio: 'ignore' });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Run the CLI in this process (its logic, without a node start-up): output captured, standard
 * input given. Worker threads still start, from the sources. Use `runCli` where the process
 * itself matters (signals, exit, what a fresh process prints).
 */
export async function runCliInProcess(args: string[], opts: { cwd?: string; input?: string | Buffer } = {}): Promise<RunResult> {
  const { main } = await import('../src/cli/main.js');
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'safeguard-scan', ...args], {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    readStdin: () => Buffer.from(opts.input ?? ''),
    cwd: opts.cwd ?? ROOT,
  });
  return { code, signal: null, stdout, stderr };
}

/**
 * `it` for a long test that runs only in npm run test:slow (its file there sets SGS_SLOW and
 * imports the npm test file); elsewhere it is not registered at all, since a skipped test would
 * read as skipped in CI.
 */
export const slowOnly = (): typeof it => (process.env.SGS_SLOW ? it : ((() => undefined) as unknown as typeof it));
