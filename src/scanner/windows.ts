/**
 * A long document scanned in parts ("windows"), so that what a scan holds at once is bounded
 * whatever the document's length: its tokens, hits and context live for one window at a time.
 *
 * The findings are the whole document's: each window is read with some text before and after
 * it (its reading frame), so sentences, clauses and the words near a finding are all there;
 * a window keeps only the findings that start in its own stretch; and the facts that belong to
 * the whole document are worked out once and given to every window: whether it is a letter,
 * its letter-case, the section open where the window starts, whose record it is (a letter's
 * "Re:" line), the ages it mentions. The document rules then run over every window's findings
 * together. Windows are cut at blank lines where there are any (sections close at blank lines,
 * so little needs carrying), else at line ends, sentence ends or spaces.
 */
import type { CompiledLexicon } from '../lexicon/compile.js';
import type { ScanContext, Thresholds } from '../model/index.js';
import { resolvePatient } from '../rules/patient.js';
import { backgroundConditions, textAges } from '../rules/lexicon-findings.js';
import { SUPPLIED_TYPES } from '../rules/third-party-health.js';
import { saysPatientLacksCapacity } from '../rules/third-party-information.js';
import type { Registry } from '../rules/registry.js';
import { nameDecisions } from '../rules/people.js';
import type { Contextual, DetectInput, NameDecision, NameDecisions } from '../rules/types.js';
import type { Scored } from '../score/verdict.js';
import { analyse, documentFacts, fromOriginal, partAt, type PartOf } from '../text/index.js';
import { match, runDocumentRules, runRules, scoreFindings, settle, type WholeDocument } from './pipeline.js';

/** The first offset of a window's analysed text that stands at or after `docOffset` of the document. */
function localOffset(starts: ArrayLike<number>, read: number, docOffset: number): number {
  if (docOffset === Infinity) return Infinity;
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (read + starts[mid] < docOffset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Texts longer than this are scanned in windows. */
export const WINDOWED_ABOVE = 524_288;
/** Each window's own stretch, and the text read on either side of it. */
export const WINDOW = { size: 262_144, margin: 8_192 };

export interface Window {
  /** the stretch whose findings this window reports [own, ownEnd) */
  own: number;
  ownEnd: number;
  /** the text it reads [read, readEnd) */
  read: number;
  readEnd: number;
}

/** A place to cut near `at`, looking back no further than `floor`: after a blank line, a line end, a sentence end, a space. */
function cutBefore(text: string, at: number, floor: number): number {
  if (at >= text.length) return text.length;
  if (at <= 0) return 0;
  const lo = Math.max(0, floor);
  for (const sep of ['\n\n', '\n', '. ', ' ']) {
    const i = text.lastIndexOf(sep, at - sep.length);
    if (i >= lo) return i + sep.length;
  }
  return at;
}

/** The windows of a text: own stretches that tile it, each with its reading frame. */
export function planWindows(text: string, size = WINDOW.size, margin = WINDOW.margin): Window[] {
  const n = text.length;
  const cuts = [0];
  while (cuts[cuts.length - 1] < n) {
    const last = cuts[cuts.length - 1];
    const next = last + size >= n ? n : cutBefore(text, last + size, last + (size >> 1));
    cuts.push(next > last ? next : Math.min(n, last + size));
  }
  const out: Window[] = [];
  for (let k = 0; k + 1 < cuts.length; k++) {
    const own = cuts[k];
    const ownEnd = cuts[k + 1];
    const read = own === 0 ? 0 : cutBefore(text, own - margin, own - 2 * margin);
    const readEnd = ownEnd >= n ? n : Math.min(n, cutBefore(text, ownEnd + 2 * margin, ownEnd + margin));
    out.push({ own, ownEnd, read, readEnd });
  }
  return out;
}

/**
 * What the windows are told of the whole document, worked out from its normalisation: its
 * normalised text (for the ages it mentions), whose record it is, and how each window's part of
 * it starts (section, kind, case). The normalisation's offset maps (two 32-bit offsets a
 * character) are let go here, before any window is read, instead of living through the scan.
 */
function wholeDocumentFacts(text: string, compiled: CompiledLexicon, context: ScanContext, windows: Window[]): { normText: string; patient: ReturnType<typeof resolvePatient>; starts: Map<Window, PartOf> } {
  const facts = documentFacts(text, compiled.text);
  const starts = new Map(windows.map((w) => [w, partAt(facts, fromOriginal(facts.norm, w.read))] as const));
  return { normText: facts.norm.text, patient: resolvePatient(facts, compiled, context.patient), starts };
}

export interface WindowedScan {
  scored: Scored[];
  errors: string[];
}

/**
 * Scan a long text window by window (see above). `bound` runs each window's work (the caller's
 * time limit); `errors` collects what failed in a rule, as a whole-document scan does.
 */
export function scanInWindows(
  text: string,
  deps: { compiled: CompiledLexicon; registry: Registry; thresholds: Thresholds; includeText: boolean; context: ScanContext },
  windows = planWindows(text),
): WindowedScan {
  const { compiled, registry, thresholds: t } = deps;
  const errors: string[] = [];
  const { normText, patient, starts } = wholeDocumentFacts(text, compiled, deps.context, windows);
  let ages: number[] | undefined;
  const whole: WholeDocument = { patient, ages: () => (ages ??= textAges(compiled, normText, patient.forename)) };
  // Each window's findings, with the finding types it saw in its own reading (the rules that
  // look at the whole document are told the document's, see SUPPLIED_TYPES).
  // The names decided in each window's own stretch (offsets of the document), for the names'
  // other mentions anywhere in it (people.ts).
  const decided: NameDecision[] = [];
  const read = (w: Window, types?: ReadonlySet<string>, names?: NameDecisions, facts?: { lacksCapacity: boolean; background: ReadonlySet<number> }) => {
    const doc = analyse(text.slice(w.read, w.readEnd), compiled.text, starts.get(w)!);
    const at = (x: number) => w.read + doc.norm.starts[Math.min(x, doc.norm.starts.length - 1)];
    const told: WholeDocument = { ...whole, ...(types ? { types } : {}), ...(facts ?? {}) };
    if (names) told.names = { byWord: names.byWord, from: localOffset(doc.norm.starts, w.read, names.from) };
    else
      told.noteNames = (ns) => {
        for (const n of ns) {
          const start = at(n.start);
          if (start >= w.own && start < w.ownEnd) decided.push({ ...n, start, end: at(n.end - 1) + 1 });
        }
      };
    const input = match(doc, compiled, deps.context, told);
    const all = runRules(registry, input, errors, { documentRules: false });
    const mine = all.filter((f) => {
      const at = w.read + doc.norm.starts[Math.min(f.start, doc.norm.starts.length - 1)];
      return at >= w.own && at < w.ownEnd;
    });
    return { input, mine, seen: new Set(all.map((f) => f.type)), lacksCapacity: saysPatientLacksCapacity(input), background: backgroundConditions(input) };
  };
  // One window's findings in its own stretch, scored (its tokens and hits go when it is done).
  const scoreOf = (input: DetectInput, mine: Contextual[], w: Window) =>
    scoreFindings(input, mine, t, { includeText: deps.includeText ? text : undefined, shift: w.read });
  let first: DetectInput | undefined;
  const types = new Set<string>();
  // First reading: every window on its own; the document's types are the union of theirs.
  const parts = windows.map((w) => {
    const r = read(w);
    first ??= r.input;
    for (const f of r.mine) types.add(f.type);
    return { w, saw: SUPPLIED_TYPES.filter((x) => r.seen.has(x)), lacksCapacity: r.lacksCapacity, background: r.background, mine: r.mine, scored: scoreOf(r.input, r.mine, w) };
  });
  // A window that did not see what the document holds elsewhere is read again, told: the
  // finding types, whether the patient is said anywhere to lack capacity, the conditions named
  // anywhere as long-standing, and (with more than one window) the names decided anywhere.
  const held = SUPPLIED_TYPES.filter((x) => types.has(x));
  const names = parts.length > 1 && decided.length ? nameDecisions(decided) : undefined;
  const facts = { lacksCapacity: parts.some((p) => p.lacksCapacity), background: new Set(parts.flatMap((p) => [...p.background])) };
  for (const p of parts) {
    // (a window's own background is part of the document's: the same size is the same set)
    const sawAll = held.length === p.saw.length && held.every((x) => p.saw.includes(x)) && p.lacksCapacity === facts.lacksCapacity && p.background.size === facts.background.size;
    if (!names && sawAll) continue;
    const again = read(p.w, types, names, facts);
    p.mine = again.mine;
    p.scored = scoreOf(again.input, again.mine, p.w);
  }
  const found: Contextual[] = [];
  const scored: Scored[] = [];
  for (const p of parts) {
    for (const f of p.mine) found.push(f);
    for (const x of p.scored) scored.push(x);
  }
  if (first) runDocumentRules(registry, first, found, errors);
  // A rule that fails in one window fails in many: say so once.
  return { scored: settle(scored, found, t), errors: [...new Set(errors)] };
}
