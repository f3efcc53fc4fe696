/**
 * A time limit on one document's scan. A regular expression that backtracks catastrophically
 * cannot be stopped from JavaScript: only V8's own watchdog can end it, which node:vm arms for a
 * script run with a timeout (the work here runs inside that script's call, so it is cut off
 * too). Arming it costs ~70 µs (a thread per call), so short documents scanned with the
 * built-in lexicons alone, whose patterns the build analysed (scripts/check-patterns.ts), are
 * not bounded; every document is when the caller's own lexicons are in force.
 */
import vm from 'node:vm';

export class ScanTimeout extends Error {
  constructor(readonly limitMs: number) {
    super(`the scan took longer than its limit of ${(limitMs / 1000).toFixed(1)} s (a lexicon pattern that backtracks, or a text too large for this machine)`);
    this.name = 'ScanTimeout';
  }
}

/** Below this many characters, built-in lexicons alone are not bounded (see above). */
export const UNBOUNDED_BELOW = 8192;

/**
 * The limit for a text of this length: generous, because the machine may be busy and a spurious
 * time-out sends a document to review for nothing (3 s and 10 s per million characters, about
 * five times the slowest text measured here, 9 MB of nothing but "?", on a loaded machine).
 */
export function limitFor(length: number): number {
  return 3000 + Math.ceil((10_000 * length) / 1_000_000);
}

const context = vm.createContext({ work: null as (() => unknown) | null });
const call = new vm.Script('work()', { filename: 'safeguard-scan-time-bound' });

/** Run `work` under a time limit; throws ScanTimeout when it runs past. */
export function withinTime<T>(limitMs: number, work: () => T): T {
  const c = context as unknown as { work: (() => unknown) | null };
  const outer = c.work;
  c.work = work;
  try {
    return call.runInContext(context, { timeout: limitMs }) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new ScanTimeout(limitMs);
    throw err;
  } finally {
    c.work = outer;
  }
}
