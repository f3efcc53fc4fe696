import type { Hit } from '../lexicon/match.js';
import type { LoadedContext, LoadedEntry } from '../lexicon/schema.js';
import { breakBetween, sectionAt, stem, toOriginal, type Analysed, type FormItem } from '../text/index.js';
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
 * million comparisons. A longer cue of the same modifier that reaches the other way does not
 * silence a shorter one: "no concerns" negates backward ("Safeguarding: no concerns") and
 * the "no" inside it still negates forward ("No concerns for sexual exploitation").
 */
function containedInLonger(list: Cue[]): boolean[] {
  const out = new Array<boolean>(list.length).fill(false);
  const order = list.map((_, i) => i).filter((i) => list[i].modifier !== 'patient');
  order.sort((x, y) => list[x].hit.start - list[y].hit.start || list[y].hit.end - list[x].hit.end);
  // The furthest end among cues starting earlier (or at the same place and ending later),
  // and the earliest start that reaches it.
  let maxEnd = -1;
  let startOfMax = -1;
  let ofMax = -1;
  for (const i of order) {
    const h = list[i].hit;
    if (maxEnd > h.end || (maxEnd === h.end && startOfMax < h.start)) out[i] = !otherWay(list[ofMax], list[i]);
    if (h.end > maxEnd) {
      maxEnd = h.end;
      startOfMax = h.start;
      ofMax = i;
    }
  }
  return out;
}

/** A longer cue of the same modifier whose reach does not cover the shorter one's direction (or a scoped terminator inside a general one). */
function otherWay(longer: Cue, shorter: Cue): boolean {
  // A terminator of one modifier inside a general one ("presents" in "presents with") keeps its own
  // meaning: it still says a presentation begins (a history's background ends there).
  if (longer.modifier === 'terminate' && shorter.modifier === 'terminate') return !!shorter.entry.terminates;
  if (longer.modifier !== shorter.modifier || longer.direction === 'both') return false;
  return shorter.direction === 'both' || shorter.direction !== longer.direction;
}

/** A bracketed aside this short does not count towards a window ("NAAT (first-void urine) negative"). */
const ASIDE_WORDS = 6;

/**
 * Words between two tokens: windows count words, as NegEx does, not brackets and commas; a
 * short aside in brackets wholly between them is not counted.
 */
function wordsBetween(doc: Analysed, from: number, to: number): number {
  let n = 0;
  let open = -1;
  let inside = 0;
  for (let i = from; i < to; i++) {
    const t = doc.tokens[i];
    if (t.text === '(' && open < 0) {
      open = i;
      inside = 0;
    } else if (t.text === ')' && open >= 0) {
      if (inside > ASIDE_WORDS) n += inside;
      open = -1;
    } else if (t.kind === 'word') {
      if (open >= 0) inside++;
      else n++;
    }
  }
  return open >= 0 ? n + inside : n;
}

function spacedDashBetween(doc: Analysed, from: number, to: number): boolean {
  const text = doc.norm.text;
  for (let i = from; i < to; i++) {
    const t = doc.tokens[i];
    if (t.text === '-' && text[t.start - 1] === ' ' && text[t.end] === ' ') return true;
  }
  return false;
}

/**
 * Modifiers whose triggers govern a whole list. Not family/other: their cues name a person as
 * the subject of what follows ("siblings remain on a plan"), and a subject's reach is its own
 * predicate, not every item after it.
 */
const LIST_SCOPED = new Set<Modifier>(['negated', 'hypothetical', 'historical', 'uncertain']);
/** Words between a condition's "if" and its own verb ("if she discloses", "should the child disclose"). */
const CONDITION_SUBJECT_WORDS = 2;
/**
 * How far a condition reaches into the clause of its consequence ("should staff ever find an
 * injury no one can account for, they have a duty to refer to social care"): a long condition
 * is still one condition, so its consequence is read past the trigger's window, up to this many
 * words.
 */
const CONSEQUENCE_WORDS = 30;
/** Longest first clause of a list (the trigger's own words: "if she has any new tingling"). */
const LIST_HEAD_WORDS = 12;
/** Longest item of a list ("weight gain greater than three pounds per day"). */
const LIST_ITEM_WORDS = 8;
/** A list is read this far at most, in words. */
const LIST_MAX_WORDS = 80;

/**
 * Whether the words from a forward trigger to its target are one coordinated list ("no fever,
 * rash, joint pain, weight loss or night sweats"; "call if any chest pain, dizziness,
 * fainting, ankle swelling"): a first clause, then short items joined by commas, "or", "and",
 * none of them a clause of its own (no pronoun, no finite verb, no relative word). A trigger
 * governs such a list to its end, however many words it runs to.
 */
function listReaches(doc: Analysed, from: number, to: number): boolean {
  const breaker = doc.vocab.listBreaker;
  const joiner = doc.vocab.clauseJoiner;
  let head = true;
  let joined = false;
  let words = 0;
  let total = 0;
  for (let i = from; i < to; i++) {
    const t = doc.tokens[i];
    const sep = t.text === ',' || (t.kind === 'word' && (t.lower === 'or' || t.lower === 'and' || t.lower === 'nor'));
    if (sep) {
      if (head && words > LIST_HEAD_WORDS) return false;
      head = false;
      joined = true;
      words = 0;
      continue;
    }
    // A colon after a head that ends in a preposition opens the list the preposition needs ("no
    // record of: depression, self-harm or ..."); anywhere else it starts another field.
    if (t.text === ':' && head && !joined && i > from && doc.vocab.listAdjunct.has(doc.tokens[i - 1].lower)) continue;
    if (t.kind === 'newline' || t.text === ':' || t.text === ';') return false;
    if (t.kind !== 'word') continue;
    words++;
    if (++total > LIST_MAX_WORDS) return false;
    if (head) continue;
    if (words > LIST_ITEM_WORDS || breaker.has(t.lower) || joiner.has(t.lower)) return false;
    // An item opening with a preposition is an adjunct, not an item ("without consent, in line with ...").
    if (words === 1 && doc.vocab.listAdjunct.has(t.lower)) return false;
  }
  return joined && !head;
}

/**
 * Whether a clause without a subject of its own opens between a forward cue and its target: a
 * comma or a joiner, then a verb that notes open clauses with ("without breakfast, appears
 * unkempt", "no concerns raised, and discloses DV"). The cue's reach is its own clause; a
 * pronoun-led clause is the layout's (clauseSubject).
 */
function verbOpensClause(doc: Analysed, from: number, to: number): boolean {
  const verbs = doc.vocab.clauseVerb;
  for (let i = from; i < to - 1; i++) {
    const t = doc.tokens[i];
    const sep = t.text === ',' || (t.kind === 'word' && doc.vocab.clauseJoiner.has(t.lower));
    if (sep && verbs.has(doc.tokens[i + 1].lower)) return true;
  }
  return false;
}

/**
 * Whether the target opens a clause of its own with its subject ("no answer, so she doesn't know
 * about this yet": a frame's hit starts with its subject): the layout's clause boundary at the
 * target's first token (src/text/layout.ts, markClauses), which layoutBetween leaves out because
 * a boundary at the target is most often its own field label.
 */
function clauseOpensTarget(doc: Analysed, from: number, a: number): boolean {
  const { breaks, structural } = doc.layout;
  return a > from && breaks[a + 1] > breaks[a] && structural[a + 1] === structural[a];
}

/** A heading's cue ("PMH:", "FHx:") reaches over the numbered items of its field; only another field's label stops it. */
function isHeadingCue(doc: Analysed, c: Cue): boolean {
  const last = doc.tokens[c.hit.endTok - 1];
  return last?.text === ':' || doc.tokens[c.hit.endTok]?.text === ':';
}

/**
 * A report verb right after a cue, or after its subject ("if she discloses", "should the child
 * report", "did not disclose"): the cue's own verb, not a terminator. Nothing else may stand
 * between ("No, discloses that ..." is a new clause).
 */
function ownReportVerb(doc: Analysed, from: number, o: Cue): boolean {
  if (doc.tokens[o.hit.startTok].kind !== 'word' || o.hit.startTok - from > CONDITION_SUBJECT_WORDS) return false;
  for (let k = from; k < o.hit.startTok; k++) if (!doc.vocab.conditionSubject.has(doc.tokens[k].lower)) return false;
  return true;
}

/**
 * Whether every layout boundary between a hypothetical cue and its target is a clause boundary,
 * and the last clause before the target states a consequence (its own modal before the target).
 */
function consequenceClause(doc: Analysed, from: number, to: number): boolean {
  const { breaks, structural } = doc.layout;
  if (breakBetween(structural, from - 1, to - 1)) return false;
  let last = -1;
  for (let k = to - 1; k >= from; k--) {
    if (breaks[k + 1] > breaks[k]) {
      last = k;
      break;
    }
  }
  if (last < 0) return false;
  for (let k = last + 1; k < to && k <= last + 3; k++) if (doc.vocab.consequenceModal.has(doc.tokens[k].lower)) return true;
  return false;
}

/** A question mark asks its whole sentence ("any STD while she was pregnant?"): clauses inside do not stop it. */
const isQuestionMark = (doc: Analysed, c: Cue) => c.hit.endTok - c.hit.startTok === 1 && doc.tokens[c.hit.startTok].text === '?';

/**
 * Whether a boundary of the layout (a numbered item, a bullet, a field label, a clause with a
 * subject of its own) stands between a cue and its target. A backward cue whose own subject
 * opens the clause ("Asked about DV, she denies") still reaches back; a predicate of that
 * subject ("HIV positive, she is negative") does not.
 */
function layoutBetween(doc: Analysed, c: Cue, a: number, b: number, forward: boolean): boolean {
  const counts = isHeadingCue(doc, c) ? doc.layout.labels : isQuestionMark(doc, c) ? doc.layout.structural : doc.layout.breaks;
  // A boundary at the target itself (the target is a field's label) is not between them.
  if (forward) {
    if (!breakBetween(counts, c.hit.endTok - 1, a - 1)) return false;
    // "If she discloses abuse, we would refer to MASH": a condition reaches into the clause of its
    // consequence (a new subject with a modal: "we would", "she will"), and no further.
    return !(c.modifier === 'hypothetical' && consequenceClause(doc, c.hit.endTok, a));
  }
  if (!breakBetween(counts, b - 1, c.hit.startTok)) return false;
  // Only a clause boundary right before the cue's own subject may be passed.
  const at = c.hit.startTok;
  for (let k = at - 1; k >= b && k >= at - 2; k--) {
    const t = doc.tokens[k];
    if (doc.vocab.clauseSubject.has(t.lower) && !breakBetween(counts, b - 1, k - 1) && (k === at - 1 || !doc.vocab.listBreaker.has(doc.tokens[at - 1].lower))) return false;
  }
  return true;
}

/** Whether the target names a habit and nothing else ("alcohol", "illicit drug use", "tobacco"). */
function isHabit(doc: Analysed, a: number, b: number): boolean {
  let habit = false;
  for (let i = a; i < b; i++) {
    const t = doc.tokens[i];
    if (t.kind !== 'word') continue;
    if (doc.vocab.habit.has(t.lower)) habit = true;
    else if (!doc.vocab.habitQualifier.has(t.lower)) return false;
  }
  return habit;
}

/** The form item (question or answered field) the whole target lies in, if any. */
function formItemOf(doc: Analysed, a: number, b: number): FormItem | undefined {
  const of = doc.layout.formOf;
  if (!of) return undefined;
  const k = of[a];
  return k >= 0 && of[b - 1] === k ? doc.layout.forms[k] : undefined;
}

/**
 * "Self harm: no current or past self harm", "Mental health: no history": a field whose value is
 * a denial that only restates the field (its label's own words, or words of the value-generic
 * vocabulary) answers the label no. The negation cue opening the value is returned. A value
 * about anything else ("Suicidal thoughts: no plan") leaves the label as it is.
 */
function labelAnsweredNo(doc: Analysed, cues: Cue[], a: number, b: number): Cue | undefined {
  const { tokens } = doc;
  if (tokens[b]?.text !== ':') return undefined;
  const labelFrom = doc.layout.labels[a + 1] > doc.layout.labels[a] ? a : -1;
  const lineStart = a === 0 || tokens[a - 1].kind === 'newline' || (a >= 2 && tokens[a - 2].kind === 'newline' && tokens[a - 1].kind === 'punct');
  if (labelFrom < 0 && !lineStart) return undefined;
  const cue = cues.find((c) => c.hit.startTok === b + 1 && c.modifier === 'negated' && !c.suppressedBy && c.direction !== 'backward');
  if (!cue) return undefined;
  const own = new Set<string>();
  for (let i = a; i < b; i++) if (tokens[i].kind === 'word') own.add(stem(tokens[i].lower));
  for (let i = cue.hit.endTok; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === 'newline' || t.text === ';' || t.text === ',' || t.text === '.' || doc.layout.breaks[i + 1] > doc.layout.breaks[i]) break;
    if (t.kind !== 'word') continue;
    if (!doc.vocab.valueGeneric.has(t.lower) && !own.has(stem(t.lower))) return undefined;
  }
  return cue;
}

/**
 * The field a target lies in when its label stands inside a line ("New patient. PMH: asthma,
 * depression", "Menstrual History: POST-MENOPAUSAL   Other Clinical Conditions: ..."): the
 * nearest field label before the target in its sentence, read as the same heading would be at
 * the start of a line. A later label opens another field; a label the vocabulary does not know
 * as a heading gives nothing.
 */
function inlineField(doc: Analysed, a: number, ended?: (from: number, to: number) => boolean): { kind: string; start: number; end: number; colon: number } | undefined {
  const s = doc.sentences[doc.tokenSentence[a]];
  if (!s) return undefined;
  const { labels } = doc.layout;
  const { tokens } = doc;
  for (let k = a - 1; k >= s.firstToken; k--) {
    if (labels[k + 1] === labels[k]) continue;
    let colon = k;
    while (colon < a && tokens[colon].text !== ':') colon++;
    if (colon >= a || colon === k) return undefined;
    // A semicolon ends the field's answer ("Family history: none; HIV positive").
    for (let i = colon + 1; i < a; i++) if (tokens[i].text === ';') return undefined;
    if (ended?.(colon + 1, a)) return undefined;
    const start = tokens[k].start;
    const end = tokens[colon - 1].end;
    const kind = doc.vocab.headings.get(doc.norm.text.slice(start, end).toLowerCase().replace(/\s+/g, ' '));
    return kind ? { kind, start, end, colon } : undefined;
  }
  return undefined;
}

/**
 * Whether the target's sentence says it is happening now: a time that is now or days ago
 * (`{now-time}`: "today", "yesterday", "ongoing") anywhere in it after `from`. A heading's or a
 * field's history does not hold then ("Background: partner hit her last night").
 */
function currentInSentence(doc: Analysed, a: number, from: number): boolean {
  const s = doc.sentences[doc.tokenSentence[a]];
  const lo = Math.max(from, s ? s.firstToken : 0);
  const hi = s ? s.endToken : doc.tokens.length;
  if (lo >= hi) return false;
  return doc.vocab.nowTime.test(doc.norm.text.slice(doc.tokens[lo].start, doc.tokens[hi - 1].end));
}

/**
 * Whether a backward cue stands inside a bracket that opened after the target, in an item of
 * its own after other items: the cue qualifies its item ("lung cancer (adenocarcinoma, EGFR/ALK
 * negative)": the markers are negative, not the cancer). A bracket with one item ("Chlamydia
 * (NAAT negative)"), or a cue that is an item by itself ("HIV (4th gen, negative)"), reports on
 * what stands before the bracket.
 */
function insideBracketAfter(doc: Analysed, from: number, to: number): boolean {
  let open = -1;
  let depth = 0;
  for (let i = to - 1; i >= from; i--) {
    const t = doc.tokens[i].text;
    if (t === ')') depth++;
    else if (t === '(') {
      if (depth === 0) {
        open = i;
        break;
      }
      depth--;
    }
  }
  if (open < 0) return false;
  // items of the bracket before the cue, and words in the cue's own item
  let items = 0;
  let own = false;
  for (let i = open + 1; i < to; i++) {
    const t = doc.tokens[i];
    if (t.text === ',' || t.text === ';') {
      if (own) items++;
      own = false;
    } else if (t.kind === 'word') own = true;
  }
  return items > 0 && own;
}

/** Whether a terminator ends this trigger's scope: a terminator may end only some modifiers ("presents" ends a history). */
const ends = (o: Cue, c: Cue) => o.modifier === 'terminate' && (!o.entry.terminates || o.entry.terminates.includes(c.modifier as never));

/** Most words between a closed trigger's target and the terminator that closes its stretch. */
const CLOSE_WORDS = 12;

/**
 * Whether a terminator of the cue's modifier stands beyond the target (after it for a forward
 * cue, before it for a backward one), in the same sentence, within a few words and with no
 * layout boundary between: the stretch the cue opened is closed, and the target lies inside.
 */
function closedBeyond(doc: Analysed, cues: Cue[], c: Cue, a: number, b: number, forward: boolean): boolean {
  return cues.some((o) => {
    if (!ends(o, c)) return false;
    if (forward) return o.hit.startTok >= b && wordsBetween(doc, b, o.hit.startTok) <= CLOSE_WORDS && !breakBetween(doc.layout.structural, b - 1, o.hit.startTok - 1);
    return o.hit.endTok <= a && wordsBetween(doc, o.hit.endTok, a) <= CLOSE_WORDS && !breakBetween(doc.layout.structural, o.hit.endTok - 1, a - 1);
  });
}

/**
 * Whether the presentation after a background names the target again ("a history of sickle
 * cell disease, who presents with pain typical of her sickle cell crisis"): past a history
 * terminator later in the sentence stands a word of the target's own name (not a general word
 * such as "disease" or "pain"). The condition is then active now, not history.
 */
function namedAgainInPresentation(doc: Analysed, cues: Cue[], a: number, b: number): boolean {
  const own = new Set<string>();
  for (let i = a; i < b; i++) {
    const t = doc.tokens[i];
    if (t.kind === 'word' && t.lower.length >= 3 && !doc.vocab.conditionGeneric.has(t.lower)) own.add(stem(t.lower));
  }
  if (!own.size) return false;
  const sent = doc.sentences[doc.tokenSentence[a]];
  const closer = cues.find((o) => o.modifier === 'terminate' && o.entry.terminates?.includes('historical') && o.hit.startTok >= b);
  if (!closer || !sent) return false;
  for (let i = closer.hit.endTok; i < sent.endToken; i++) {
    const t = doc.tokens[i];
    if (t.kind === 'word' && own.has(stem(t.lower))) return true;
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
    let forward = false;
    if (c.hit.endTok <= a && c.direction !== 'backward') {
      gapFrom = c.hit.endTok;
      gapTo = a;
      forward = true;
      const words = wordsBetween(doc, gapFrom, gapTo);
      applies =
        words < c.window ||
        (LIST_SCOPED.has(c.modifier) && listReaches(doc, gapFrom, gapTo)) ||
        (c.modifier === 'hypothetical' && words < CONSEQUENCE_WORDS && consequenceClause(doc, c.hit.endTok, a));
    } else if (c.hit.startTok >= b && c.direction !== 'forward') {
      gapFrom = b;
      gapTo = c.hit.startTok;
      applies = wordsBetween(doc, gapFrom, gapTo) < c.window;
    }
    if (!applies) continue;
    if (!forward && insideBracketAfter(doc, gapFrom, gapTo)) {
      blockers?.push('context/bracket');
      continue;
    }
    if (forward && LIST_SCOPED.has(c.modifier) && (verbOpensClause(doc, gapFrom, gapTo) || clauseOpensTarget(doc, gapFrom, a))) {
      blockers?.push('context/clause-verb');
      continue;
    }
    if (layoutBetween(doc, c, a, b, forward)) {
      blockers?.push('context/layout');
      continue;
    }
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
    // A condition's or a negation's own verb is part of it: "if she discloses abuse, we will
    // refer", "did not disclose any abuse".
    const negatesVerb = c.modifier === 'negated' && doc.vocab.verbNegator.has(doc.tokens[c.hit.endTok - 1].lower);
    const ownVerb = (o: Cue) => forward && (c.modifier === 'hypothetical' || negatesVerb) && ownReportVerb(doc, c.hit.endTok, o);
    const term = cues.find((o) => ends(o, c) && o.hit.startTok >= gapFrom && o.hit.endTok <= gapTo && !ownVerb(o));
    if (term) {
      blockers?.push(term.entry.id);
      continue;
    }
    // A closed stretch ("a 60-year-old man with angina who presents with ..."): the trigger
    // reaches the target only when a terminator of its own closes the stretch beyond it.
    if (c.entry.closed && !closedBeyond(doc, cues, c, a, b, forward)) {
      blockers?.push('context/unclosed');
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

  // A background the presentation names again is active now: its history cues do not hold.
  if (fired.some((f) => f.modifier === 'historical') && namedAgainInPresentation(doc, cues, a, b)) {
    for (let i = fired.length - 1; i >= 0; i--) {
      if (fired[i].modifier !== 'historical') continue;
      blockers?.push('context/named-again-in-presentation');
      fired.splice(i, 1);
    }
  }

  // A form's question or field, read with its answer; a field label answered by a denial of itself.
  const form = formItemOf(doc, a, b);
  if (form?.answer === 'yes') {
    // "Any thoughts of self-harm?  Yes": the question mark asked; the answer affirms.
    for (let i = fired.length - 1; i >= 0; i--) {
      const h = fired[i].cue.hit;
      if (fired[i].modifier === 'uncertain' && h.startTok >= form.end && doc.tokens[h.startTok]?.text === '?' && h.endTok - h.startTok === 1) fired.splice(i, 1);
    }
  }
  const restated = form ? undefined : labelAnsweredNo(doc, cues, a, b);
  if (restated) fired.push({ cue: restated, modifier: 'negated' });

  const sec = sectionAt(doc.sections, doc.tokens[a].start);
  // A trigger at normalised offsets [start, end), reported at the original text's.
  const trigger = (modifier: Trigger['modifier'], ruleId: string, start: number, end: number): Trigger => {
    const o = toOriginal(doc.norm, start, end);
    return { modifier, ruleId, start: o.start, end: o.end };
  };
  const sectionTrigger = (modifier: Trigger['modifier'], ruleId: string): Trigger =>
    trigger(modifier, ruleId, sec!.start, Math.min(sec!.end, sec!.start + (sec!.heading?.length ?? 1)));

  for (const f of fired) {
    switch (f.modifier) {
      case 'negated': result.negated = true; break;
      case 'uncertain': result.uncertain = true; break;
      case 'hypothetical': result.hypothetical = true; break;
      case 'historical': result.historical = true; break;
      case 'family': result.experiencer = 'family'; break;
      case 'other': if (result.experiencer === 'patient') result.experiencer = 'other'; break;
    }
    result.triggers.push(trigger(f.modifier, f.cue.entry.id, f.cue.hit.start, f.cue.hit.end));
  }
  // A clinician's query answered "not disclosed" ("?DV - not disclosed") is a suspicion that was
  // not confirmed, not a template field answered no: it stays uncertain. "?NAI - no" rules it out.
  const queried =
    !!form &&
    form.answer === 'no' &&
    (doc.tokens[form.start]?.text === '?' || (a > 0 && doc.tokens[a - 1].text === '?' && doc.tokens[a - 1].end === doc.tokens[a].start)) &&
    doc.vocab.notDisclosed.test(doc.norm.text.slice(form.answerStart, form.answerEnd));
  if (form && form.answer !== 'yes' && !queried) {
    const modifier = form.answer === 'no' ? 'negated' : 'hypothetical';
    if (modifier === 'negated') result.negated = true;
    else result.hypothetical = true;
    const ruleId = form.answer === 'no' ? 'form/answered-no' : form.answer === 'open' ? 'form/question' : 'form/answered-not-known';
    result.triggers.push(trigger(modifier, ruleId, form.answerStart, Math.max(form.answerStart + 1, form.answerEnd)));
  }
  if (familyBlocked && result.experiencer === 'patient') {
    result.triggers.push(trigger('patient', familyBlocked.entry.id, familyBlocked.hit.start, familyBlocked.hit.end));
  }
  // Under "FHx:" everything is about family, unless the sentence turns back to the patient
  // before the target ("FHx: father HD. Pt 50% risk, not yet decided about testing").
  const patientFirst = cues.some((c) => c.modifier === 'patient' && !c.suppressedBy && c.hit.endTok <= a);
  // The same headings as fields inside a line ("New pt check. FHx: mother - breast ca at 49").
  // A terminator between the field's colon and the target ends the field ("Allergies: none,
  // disclosed partner hits her").
  const field = inlineField(doc, a, (from, to) => cues.some((c) => c.modifier === 'terminate' && !c.suppressedBy && c.hit.startTok >= from && c.hit.endTok <= to));
  const fieldTrigger = (modifier: Trigger['modifier'], ruleId: string): Trigger => trigger(modifier, ruleId, field!.start, field!.end);
  if (result.experiencer === 'patient' && !familyBlocked && !patientFirst) {
    if (sec?.kind === 'family') {
      result.experiencer = 'family';
      result.triggers.push(sectionTrigger('family', 'section/family-history'));
    } else if (field?.kind === 'family' && !currentInSentence(doc, a, field.colon)) {
      // Not when the sentence turns to now ("FHx: mother breast ca, chlamydia positive today").
      result.experiencer = 'family';
      result.triggers.push(fieldTrigger('family', 'field/family-history'));
    }
  }
  // A heading's or a field's history gives way to a sentence about now ("Background: partner hit
  // her last night").
  if ((sec?.kind === 'history' || sec?.kind === 'allergy') && !result.historical && !currentInSentence(doc, a, 0)) {
    result.historical = true;
    result.triggers.push(sectionTrigger('historical', sec.kind === 'history' ? 'section/past-history' : 'section/allergies'));
  }
  if (!result.historical && (field?.kind === 'history' || field?.kind === 'allergy') && !currentInSentence(doc, a, field.colon)) {
    result.historical = true;
    result.triggers.push(fieldTrigger('historical', field.kind === 'history' ? 'field/past-history' : 'field/allergies'));
  }
  // A habit (tobacco, alcohol, drugs) is recorded as social history, over a lifetime: under a
  // social-history heading, or denied ("denies alcohol or drugs"), it is historical. Habits only:
  // a safeguarding concern under "Social:" keeps its own time.
  if (!result.historical && (sec?.kind === 'social' || result.negated) && isHabit(doc, a, b)) {
    result.historical = true;
    const cue = result.triggers.find((t) => t.modifier === 'negated');
    if (sec?.kind === 'social') result.triggers.push(sectionTrigger('historical', 'section/social-history'));
    else if (cue) result.triggers.push({ modifier: 'historical', ruleId: 'context/habit-denied', start: cue.start, end: cue.end });
  }
  result.triggers.sort((x, y) => x.start - y.start);
  return result;
}
