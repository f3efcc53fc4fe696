/**
 * Run a command and measure it from outside: wall time and the peak resident memory of the
 * process and every process under it (reader children included), sampled from /proc.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface Measured {
  code: number | null;
  signal: NodeJS.Signals | null;
  wallMs: number;
  /** the largest total RSS of the process tree seen, in MB */
  peakTreeMb: number;
  /** the largest RSS of any one process in the tree, in MB */
  peakProcessMb: number;
  stdout: string;
  stderr: string;
}

function children(): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = m.get(ppid) ?? [];
      list.push(Number(d));
      m.set(ppid, list);
    } catch {
      // gone already
    }
  }
  return m;
}

function rssKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

export function runMeasured(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; everyMs?: number } = {}): Promise<Measured> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let peakTree = 0;
    let peakOne = 0;
    const sample = () => {
      const tree = children();
      const pids = [child.pid!];
      for (let i = 0; i < pids.length; i++) pids.push(...(tree.get(pids[i]) ?? []));
      let total = 0;
      for (const p of pids) {
        const r = rssKb(p);
        total += r;
        peakOne = Math.max(peakOne, r);
      }
      peakTree = Math.max(peakTree, total);
    };
    const timer = setInterval(sample, opts.everyMs ?? 100);
    const kill = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.on('close', (code, signal) => {
      clearInterval(timer);
      if (kill) clearTimeout(kill);
      resolve({ code, signal, wallMs: performance.now() - t0, peakTreeMb: peakTree / 1024, peakProcessMb: peakOne / 1024, stdout, stderr });
    });
  });
}

/** Rows of a jsonl results file, read as a stream (a million rows is more than a string holds). */
export async function tallyRows(file: string): Promise<{ rows: number; verdicts: Record<string, number>; errors: number }> {
  const { createReadStream, existsSync } = await import('node:fs');
  const { createInterface } = await import('node:readline');
  const t = { rows: 0, verdicts: {} as Record<string, number>, errors: 0 };
  if (!existsSync(file)) return t;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as { verdict: string; error?: string };
    t.rows++;
    if (r.error) t.errors++;
    t.verdicts[r.verdict] = (t.verdicts[r.verdict] ?? 0) + 1;
  }
  return t;
}
