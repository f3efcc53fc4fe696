/**
 * One document's way through the scanner, a named function a step:
 * analyse -> match -> context -> rules -> score -> assemble.
 */
import { buildContextIndex, contextOf } from '../context/engine.js';
import type { CompiledLexicon } from '../lexicon/compile.js';
import { matchLexicon } from '../lexicon/match.js';
import { describeError, type ContextResult, type Finding, type ScanContext, type ScanResult, type Thresholds } from '../model/index.js';
import { resolvePatient } from '../rules/patient.js';
import type { Registry } from '../rules/registry.js';
import type { Contextual, DetectInput, NameDecision, NameDecisions, PatientIdentity, RawFinding } from '../rules/types.js';
import { words } from '../rules/vocab.js';
import { reasonsFor } from '../score/reasons.js';
import { suggestedCodes } from '../score/suggested-codes.js';
import { accumulated, applyRaise, applyRuledOut, decide, findingScore, levelOf, type Scored } from '../score/verdict.js';
import { analyse as analyseText, isQuestion, toOriginal, type Analysed } from '../text/index.js';

/** analyse: the text layer's view of the document (normalised text, tokens, sentences, sections, kind). */
export function analyse(text: string, lex: CompiledLexicon): Analysed {
  return analyseText(text, lex.text);
}

/** What a part of a longer document is told about the whole (see windows.ts). */
export interface WholeDocument {
  patient: PatientIdentity;
  ages: () => number[];
  /** the types of finding anywhere in the document, once known */
  types?: ReadonlySet<string>;
  /** the names decided anywhere in the document, once known (offsets of this part's analysed text) */
  names?: NameDecisions;
  /** whether the document says anywhere that the patient lacks capacity, once known */
  lacksCapacity?: boolean;
  /** the newOnly entries the document names as long-standing anywhere, once known */
  background?: ReadonlySet<number>;
  /** told the names this part decides */
  noteNames?: (decided: NameDecision[]) => void;
}

/** match: every lexicon hit, the ConText index over them, and whose record it is. */
export function match(doc: Analysed, lex: CompiledLexicon, context: ScanContext, whole?: WholeDocument): DetectInput {
  const hits = matchLexicon(doc, lex);
  const ctxIndex = buildContextIndex(doc, hits, lex.entries);
  const memo = new Map<number, ContextResult>();
  return {
    doc,
    lexicon: lex,
    hits,
    context: ctxIndex,
    patient: whole?.patient ?? resolvePatient(doc, lex, context.patient),
    given: context.patient,
    // The caller's word, else the text layer's: one decision, whatever the entry point.
    kind: context.kind ?? doc.kind,
    ...(whole ? { documentAges: whole.ages } : {}),
    ...(whole?.types ? { documentTypes: whole.types } : {}),
    ...(whole?.names ? { documentNames: whole.names } : {}),
    ...(whole?.lacksCapacity !== undefined ? { documentLacksCapacity: whole.lacksCapacity } : {}),
    ...(whole?.background ? { documentBackground: whole.background } : {}),
    ...(whole?.noteNames ? { noteNames: whole.noteNames } : {}),
    contextFor(a, b) {
      const key = a * 1_000_003 + b;
      let r = memo.get(key);
      if (!r) {
        r = contextOf(doc, ctxIndex, a, b);
        memo.set(key, r);
      }
      return r;
    },
  };
}

/** context: each finding's ConText modifiers (unless its detector settled them), less those its entry says do not apply. */
export function withContext(input: DetectInput, f: RawFinding): Contextual {
  return { ...f, context: settledContext(input, f) };
}

/**
 * withContext for a finding its detector made for this scan alone (a built-in detector's):
 * the context set on the finding itself. A copy of every finding cost more than most of their
 * contexts; a caller's detector may hand back the same object every time, so its are copied.
 */
function withContextInPlace(input: DetectInput, f: RawFinding): Contextual {
  f.context = settledContext(input, f);
  return f as Contextual;
}

function settledContext(input: DetectInput, f: RawFinding): ContextResult {
  let context = f.context ?? input.contextFor(f.startTok, f.endTok);
  if (f.ignoreModifiers?.length) {
    context = { ...context };
    for (const m of f.ignoreModifiers) context[m] = false;
    context.triggers = context.triggers.filter((t) => !f.ignoreModifiers!.includes(t.modifier as never));
  }
  return context;
}

/**
 * Drop a finding inside a longer (or equal, earlier) one of the same category and context
 * that weighs at least as much. A sweep over findings sorted by start keeps this linear in
 * practice: only findings still open at the current start are compared.
 */
function dedupe(findings: Contextual[]): Contextual[] {
  // Most notes have one finding or none: nothing to compare.
  if (findings.length < 2) return findings;
  const sorted = [...findings].sort((a, b) => a.start - b.start || b.end - a.end || b.weight - a.weight);
  const kept: Contextual[] = [];
  const open = new Map<string, Contextual[]>();
  for (const f of sorted) {
    const key = `${f.category}|${f.context.negated}|${f.context.hypothetical}`;
    let active = open.get(key);
    if (!active) open.set(key, (active = []));
    closeBefore(active, f);
    const covered = active.some((o) => o.start <= f.start && o.end >= f.end && o.weight >= f.weight);
    if (!covered) {
      kept.push(f);
      active.push(f);
    }
  }
  return kept;
}

/** Drop (in place: one list per key, not a new one per finding) the open findings that end before f starts, but for one at f's own span. */
function closeBefore(active: Contextual[], f: Contextual): void {
  let n = 0;
  for (const o of active) if (o.end > f.start || (o.start === f.start && o.end === f.end)) active[n++] = o;
  active.length = n;
}

/**
 * rules: every source in the registry, stage by stage (detect, combine, document). A source
 * that throws is reported and the others go on: the scan then fails closed.
 */
export function runRules(registry: Registry, input: DetectInput, errors: string[], opts: { documentRules?: boolean } = {}): Contextual[] {
  let found: Contextual[] = [];
  let deduped = false;
  for (const src of registry.sources) {
    if (src.stage === 'document' && opts.documentRules === false) continue;
    try {
      if (src.stage === 'detect') {
        // No spread: a document can have more findings than a call's argument limit.
        const settle = src.fresh ? withContextInPlace : withContext;
        for (const f of src.detect(input)) found.push(settle(input, f));
      } else if (src.stage === 'combine') {
        found = src.combine(input, found);
      } else {
        if (!deduped) {
          found = dedupe(found);
          deduped = true;
        }
        src.apply(input, found);
      }
    } catch (err) {
      errors.push(describeError(src.stage === 'detect' ? `detector "${src.name}"` : `rules "${src.name}"`, err));
    }
  }
  return deduped ? found : dedupe(found);
}

/** The document stage alone, over findings gathered from the parts of a long document. */
export function runDocumentRules(registry: Registry, input: DetectInput, found: Contextual[], errors: string[]): void {
  for (const src of registry.sources) {
    if (src.stage !== 'document') continue;
    try {
      src.apply(input, found);
    } catch (err) {
      errors.push(describeError(`rules "${src.name}"`, err));
    }
  }
}

/** score: each finding's score and level under the thresholds, raised where a document rule says. */
export function score(input: DetectInput, found: Contextual[], t: Thresholds, includeText: string | undefined): Scored[] {
  return settle(scoreFindings(input, found, t, { includeText }), found, t);
}

/**
 * Each finding's score before the document rules have their say, with offsets in the original
 * text (shifted by `shift` when the document is a part of a longer one, `includeText` the whole).
 */
export function scoreFindings(input: DetectInput, found: Contextual[], t: Thresholds, opts: { includeText?: string; shift?: number }): Scored[] {
  const { doc } = input;
  const shift = opts.shift ?? 0;
  // Only read for uncertain findings, the ones a question could hold back.
  const asked = (tok: number) => {
    const sent = doc.sentences[doc.tokenSentence[tok]];
    return !!sent && isQuestion(doc.norm.text, sent, doc.vocab);
  };
  return found.map((f) => {
    const o = toOriginal(doc.norm, f.start, f.end);
    const { triggers, ...modifiers } = f.context;
    const finding: Finding = {
      category: f.category,
      type: f.type,
      ruleId: f.ruleId,
      start: o.start + shift,
      end: o.end + shift,
      score: Math.round(findingScore(f.category, f.weight, modifiers, modifiers.uncertain && asked(f.startTok) ? undefined : t.review) * 1e4) / 1e4,
      modifiers,
      triggers: shift ? triggers.map((x) => ({ ...x, start: x.start + shift, end: x.end + shift })) : triggers,
    };
    if (opts.includeText !== undefined) finding.text = opts.includeText.slice(finding.start, finding.end);
    return { finding, weight: f.weight };
  });
}

/** Raise what the document rules marked, and give each finding its level. `found[i]` is `scored[i]`'s. */
export function settle(scored: Scored[], found: Contextual[], t: Thresholds): Scored[] {
  scored.forEach((s, i) => {
    const out = found[i].ruledOut;
    if (out) applyRuledOut(s, out.by, scored[found.indexOf(out.because)]?.finding);
    applyRaise(s, found[i].raise, t);
    s.finding.level = levelOf(s.finding, t);
  });
  return scored;
}

/** assemble: the verdict, reasons and result; a scan that did not fully run is never visible. */
export function assemble(scored: Scored[], t: Thresholds, lex: CompiledLexicon, lexiconVersion: string, id: string | undefined, errors: string[]): ScanResult {
  const findings = scored.map((s) => s.finding).sort((a, b) => a.start - b.start || a.end - b.end || (a.ruleId < b.ruleId ? -1 : 1));
  const decision = decide(findings, t);
  const lesser = findings.some((f) => f.score >= t.review) ? [] : accumulated(findings, t);
  const result: ScanResult = {
    verdict: decision.verdict,
    score: decision.score,
    categories: decision.categories,
    findings,
    reasons: reasonsFor(scored, decision.verdict, t, lesser, words(lex, 'display-acronym')),
    lexiconVersion,
  };
  if (id !== undefined) result.id = id;
  const codes = suggestedCodes(findings);
  if (codes.length) result.suggestedCodes = codes;
  if (errors.length) {
    // Fail closed: a document that was not fully scanned is never shown unreviewed.
    if (result.verdict === 'visible') result.verdict = 'review';
    result.error = errors.join('; ');
    result.reasons.unshift('Part of the scan failed; a clinician must review this document.');
  }
  return result;
}
