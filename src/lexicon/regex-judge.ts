/**
 * Is a regular expression safe to run on every document of a backlog? A structural check
 * first (regex-safety.ts: cheap, catches the common shapes), then a real analysis with
 * recheck (automata theory, and fuzzing where the automaton grows too large), run on every
 * pattern of a user's lexicon when it is loaded and on every built-in pattern at build time.
 * recheck can call a pattern polynomial that V8 in fact runs in linear time (bounded repeats
 * such as {0,80} are fuzzed, not proved), so a polynomial verdict is tried in V8 on recheck's
 * own attack string under a time limit: refused if V8 reproduces the slow-down.
 *
 * Matching is bounded in time anyway (match.ts): no check is the only line of defence.
 */
import { createRequire } from 'node:module';
import vm from 'node:vm';
import { checkRegex } from './regex-safety.js';

export interface RegexJudgement {
  ok: boolean;
  /** why it was refused, or how it was judged safe (for lint and the build's log) */
  reason: string;
}

type Diagnostics = {
  status: 'safe' | 'vulnerable' | 'unknown';
  checker?: string;
  complexity?: { type: string; summary: string };
  attack?: { string: string; pumps: { prefix: string; pump: string }[]; suffix: string };
  error?: { kind: string; message?: string };
};
type Recheck = { checkSync(source: string, flags: string, params?: { timeout?: number }): Diagnostics };

let recheck: Recheck | null | undefined;
function loadRecheck(): Recheck | null {
  if (recheck === undefined) {
    try {
      recheck = createRequire(import.meta.url)('recheck') as Recheck;
    } catch {
      recheck = null;
    }
  }
  return recheck;
}

/** How long the analysis may take for one pattern. */
const ANALYSIS_MS = 10_000;
/** What V8 may spend on recheck's attack string before the polynomial verdict is believed. */
const ATTACK_MS = 100;

const context = vm.createContext({ re: null as RegExp | null, text: '' });
const runner = new vm.Script('(() => { re.lastIndex = 0; let n = 0; while (re.exec(text) !== null) { if (++n > 1e6 || re.lastIndex === 0) break; } return n; })()');

/** Milliseconds V8 takes to run a pattern over a text (best of `reps`), or Infinity past `limit`. */
function v8Time(source: string, flags: string, text: string, limit: number, reps = 1): number {
  const c = context as unknown as { re: RegExp | null; text: string };
  c.re = new RegExp(source, flags.includes('g') ? flags : flags + 'g');
  c.text = text;
  let best = Infinity;
  try {
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      runner.runInContext(context, { timeout: limit });
      best = Math.min(best, performance.now() - t0);
    }
    return best;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return Infinity;
    throw err;
  } finally {
    c.re = null;
    c.text = '';
  }
}

const verdicts = new Map<string, RegexJudgement>();

/**
 * Judge a pattern. `analysis: false` runs only the structural check (for built-in patterns
 * whose analysis the build recorded).
 */
export function judgeRegex(source: string, flags: string, opts: { analysis?: boolean } = {}): RegexJudgement {
  const structural = checkRegex(source, flags);
  if (!structural.ok) return { ok: false, reason: structural.reason ?? 'unsafe pattern' };
  if (opts.analysis === false) return { ok: true, reason: 'structural check only' };
  const key = `${flags}\u0000${source}`;
  const known = verdicts.get(key);
  if (known) return known;
  const verdict = analyse(source, flags);
  verdicts.set(key, verdict);
  return verdict;
}

function analyse(source: string, flags: string): RegexJudgement {
  const r = loadRecheck();
  if (!r) return { ok: true, reason: 'structural check only (the recheck analyser is not installed); matching is bounded in time' };
  let d: Diagnostics;
  try {
    d = r.checkSync(source, flags, { timeout: ANALYSIS_MS });
  } catch (err) {
    return { ok: false, reason: `the analyser failed on it (${err instanceof Error ? err.name : 'error'}); simplify the pattern` };
  }
  if (d.status === 'safe') return { ok: true, reason: `safe (${d.checker}: ${d.complexity?.summary ?? 'linear'})` };
  if (d.status === 'unknown') return { ok: false, reason: `could not be shown safe within ${ANALYSIS_MS / 1000} s (${d.error?.kind ?? 'unknown'}): simplify the pattern` };
  const summary = d.complexity?.summary ?? 'super-linear';
  if (d.complexity?.type === 'exponential') return { ok: false, reason: `can backtrack catastrophically (ReDoS: ${summary})` };
  // Polynomial: believe it only if V8 shows it, on the attack and as the attack grows.
  const attack = d.attack!;
  if (v8Time(source, flags, attack.string, ATTACK_MS) === Infinity) return { ok: false, reason: `can backtrack catastrophically (ReDoS: ${summary}; V8 took over ${ATTACK_MS} ms on a ${attack.string.length}-character input)` };
  const pumpLength = Math.max(1, attack.pumps.reduce((n, p) => n + p.pump.length, 0));
  const build = (k: number) => attack.pumps.map((p) => p.prefix + p.pump.repeat(k)).join('') + attack.suffix;
  const k = Math.ceil(50_000 / pumpLength);
  v8Time(source, flags, build(10), ATTACK_MS); // warm up
  const small = v8Time(source, flags, build(k), ATTACK_MS, 3);
  const large = v8Time(source, flags, build(4 * k), 4 * ATTACK_MS, 3);
  if (large === Infinity || (large > 20 && large / Math.max(small, 0.05) >= 8))
    return { ok: false, reason: `can backtrack catastrophically (ReDoS: ${summary}; V8 time grows ${large === Infinity ? 'past the limit' : `${(large / Math.max(small, 0.05)).toFixed(0)}x`} when the input grows 4x)` };
  return { ok: true, reason: `accepted: the analyser suspects ${summary}, but V8 runs it in linear time` };
}
