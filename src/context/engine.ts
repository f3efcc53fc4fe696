import type { Hit } from '../lexicon/match.js';
import type { LoadedContext, LoadedEntry } from '../lexicon/schema.js';
import { sectionAt, toOriginal, type Analysed } from '../text/index.js';
import type { ContextResult, Trigger } from '../model/index.js';

/**
 * ConText (Harkema et al. 2009) over our own tokens. A trigger modifies targets within its
 * window, in its direction, inside the same sentence, unless a terminator stands between.
 * Pseudo-triggers switch off the triggers inside them; when two triggers overlap, the longer
 * wins ("not ruled out" is uncertain, not negated). Section headings give scope too.
 */

type Modifier = LoadedContext['modifier'];

interface Cue {
  hit: Hit;
  entry: LoadedContext;
  modifier: Modifier;
  direction: 'forward' | 'backward' | 'both';
  window: number;
  /** a pseudo-trigger that switched this cue off */
  suppressedBy?: LoadedContext;
}

export interface ContextIndex {
  /** the cues of one sentence (worked out the first time a target in it asks) */
  cuesOf(sIdx: number): Cue[];
}

const DEFAULT_WINDOW = 8;

/**
 * The context cues of a document, by sentence. Built lazily: a sentence's cues are sorted out
 * (pseudo-triggers, the longer of overlapping cues) only when a target in that sentence asks,
 * so a text of cues and no targets (a page of "?") costs one filter pass.
 */
export function buildContextIndex(doc: Analysed, hits: Hit[], entries: LoadedEntry[]): ContextIndex {
  // Context hits in text order (the matcher's hits are sorted by place).
  const ctx: Hit[] = [];
  for (const h of hits) if (entries[h.entry].kind === 'context' && doc.tokenSentence[h.startTok] >= 0) ctx.push(h);
  const inside = (a: Hit, b: Hit) => a.start >= b.start && a.end <= b.end;
  const memo = new Map<number, Cue[]>();
  const build = (sIdx: number): Cue[] => {
    const sent = doc.sentences[sIdx];
    if (!sent) return [];
    // The sentence's hits: a contiguous run of `ctx`, found by binary search.
    let lo = 0;
    let hi = ctx.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ctx[mid].startTok < sent.firstToken) lo = mid + 1;
      else hi = mid;
    }
    const list: Cue[] = [];
    const ps: Hit[] = [];
    for (let i = lo; i < ctx.length && ctx[i].startTok < sent.endToken; i++) {
      const h = ctx[i];
      if (doc.tokenSentence[h.startTok] !== sIdx) continue;
      const e = entries[h.entry] as LoadedContext;
      if (e.modifier === 'pseudo') ps.push(h);
      else list.push({ hit: h, entry: e, modifier: e.modifier, direction: e.direction ?? 'both', window: e.window ?? DEFAULT_WINDOW });
    }
    const longer = containedInLonger(list);
    return list.filter((c, i) => {
      // A cue inside a pseudo-trigger is switched off (but kept, to report what blocked it).
      if (c.modifier !== 'terminate') {
        const p = ps.find((ph) => inside(c.hit, ph));
        if (p) {
          c.suppressedBy = entries[p.entry] as LoadedContext;
          return true;
        }
      }
      // Of overlapping cues the longer wins ("not ruled out" over "not").
      return !longer[i];
    });
  };
  return {
    cuesOf(sIdx) {
      let c = memo.get(sIdx);
      if (!c) {
        c = build(sIdx);
        memo.set(sIdx, c);
      }
      return c;
    },
  };
}

/**
 * For each cue, whether a strictly longer cue (not a patient barrier, and not itself one)
 * contains it. One sort and a sweep: a sentence of a thousand "?" cues must not cost a
 * million comparisons.
 */
function containedInLonger(list: Cue[]): boolean[] {
  const out = new Array<boolean>(list.length).fill(false);
  const order = list.map((_, i) => i).filter((i) => list[i].modifier !== 'patient');
  order.sort((x, y) => list[x].hit.start - list[y].hit.start || list[y].hit.end - list[x].hit.end);
  // The furthest end among cues starting earlier (or at the same place and ending later),
  // and the earliest start that reaches it.
  let maxEnd = -1;
  let startOfMax = -1;
  for (const i of order) {
    const h = list[i].hit;
    if (maxEnd > h.end || (maxEnd === h.end && startOfMax < h.start)) out[i] = true;
    if (h.end > maxEnd) {
      maxEnd = h.end;
      startOfMax = h.start;
    }
  }
  return out;
}

/** Words between two tokens: windows count words, as NegEx does, not brackets and commas. */
function wordsBetween(doc: Analysed, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (doc.tokens[i].kind === 'word') n++;
  return n;
}

function spacedDashBetween(doc: Analysed, from: number, to: number): boolean {
  const text = doc.norm.text;
  for (let i = from; i < to; i++) {
    const t = doc.tokens[i];
    if (t.text === '-' && text[t.start - 1] === ' ' && text[t.end] === ' ') return true;
  }
  return false;
}

/** Rules that stopped a trigger from applying to a target (pseudo-triggers, terminators). */
export type Blockers = string[];

/** Modifiers for the target token range [a, b). */
export function contextOf(doc: Analysed, index: ContextIndex, a: number, b: number, blockers?: Blockers): ContextResult {
  const result: ContextResult = {
    negated: false,
    uncertain: false,
    hypothetical: false,
    historical: false,
    experiencer: 'patient',
    triggers: [],
  };
  if (a >= doc.tokens.length) return result;
  const sIdx = doc.tokenSentence[a];
  const cues = index.cuesOf(sIdx);
  const fired: { cue: Cue; modifier: Trigger['modifier'] }[] = [];
  let familyBlocked: Cue | undefined;

  for (const c of cues) {
    if (c.modifier === 'terminate' || c.modifier === 'patient') continue;
    if (c.hit.endTok > a && c.hit.startTok < b) continue; // overlaps the target itself
    let applies = false;
    let gapFrom = 0;
    let gapTo = 0;
    if (c.hit.endTok <= a && c.direction !== 'backward') {
      gapFrom = c.hit.endTok;
      gapTo = a;
      applies = wordsBetween(doc, gapFrom, gapTo) < c.window;
    } else if (c.hit.startTok >= b && c.direction !== 'forward') {
      gapFrom = b;
      gapTo = c.hit.startTok;
      applies = wordsBetween(doc, gapFrom, gapTo) < c.window;
    }
    if (!applies) continue;
    if (c.suppressedBy) {
      blockers?.push(c.suppressedBy.id);
      continue;
    }
    // A spaced dash separates clauses in notes ("Advised not to stop - referred to ..."):
    // it ends a forward trigger's scope. Backward cues may cross it ("DV - denies").
    if (gapFrom < a && spacedDashBetween(doc, gapFrom, gapTo)) {
      blockers?.push('context/clause-dash');
      continue;
    }
    const term = cues.find((o) => o.modifier === 'terminate' && o.hit.startTok >= gapFrom && o.hit.endTok <= gapTo);
    if (term) {
      blockers?.push(term.entry.id);
      continue;
    }
    if (c.modifier === 'family' || c.modifier === 'other') {
      // "partner aware of her HIV": a possessive between the relative and the condition
      // hands the condition back to the patient.
      const barrier = cues.find((o) => o.modifier === 'patient' && !o.suppressedBy && o.hit.startTok >= gapFrom && o.hit.endTok <= gapTo);
      if (barrier) {
        familyBlocked = barrier;
        continue;
      }
    }
    fired.push({ cue: c, modifier: c.modifier as Trigger['modifier'] });
  }

  const sec = sectionAt(doc.sections, doc.tokens[a].start);
  const sectionTrigger = (modifier: Trigger['modifier'], ruleId: string): Trigger => {
    const o = toOriginal(doc.norm, sec!.start, Math.min(sec!.end, sec!.start + (sec!.heading?.length ?? 1)));
    return { modifier, ruleId, start: o.start, end: o.end };
  };

  for (const f of fired) {
    switch (f.modifier) {
      case 'negated': result.negated = true; break;
      case 'uncertain': result.uncertain = true; break;
      case 'hypothetical': result.hypothetical = true; break;
      case 'historical': result.historical = true; break;
      case 'family': result.experiencer = 'family'; break;
      case 'other': if (result.experiencer === 'patient') result.experiencer = 'other'; break;
    }
    const o = toOriginal(doc.norm, f.cue.hit.start, f.cue.hit.end);
    result.triggers.push({ modifier: f.modifier, ruleId: f.cue.entry.id, start: o.start, end: o.end });
  }
  if (familyBlocked && result.experiencer === 'patient') {
    const o = toOriginal(doc.norm, familyBlocked.hit.start, familyBlocked.hit.end);
    result.triggers.push({ modifier: 'patient', ruleId: familyBlocked.entry.id, start: o.start, end: o.end });
  }
  // Under "FHx:" everything is about family, unless the sentence turns back to the patient
  // before the target ("FHx: father HD. Pt 50% risk, not yet decided about testing").
  const patientFirst = cues.some((c) => c.modifier === 'patient' && !c.suppressedBy && c.hit.endTok <= a);
  if (sec?.kind === 'family' && result.experiencer === 'patient' && !familyBlocked && !patientFirst) {
    result.experiencer = 'family';
    result.triggers.push(sectionTrigger('family', 'section/family-history'));
  }
  if (sec?.kind === 'history' && !result.historical) {
    result.historical = true;
    result.triggers.push(sectionTrigger('historical', 'section/past-history'));
  }
  result.triggers.sort((x, y) => x.start - y.start);
  return result;
}
