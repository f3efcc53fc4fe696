import { z } from 'zod';
import { buildContextIndex, contextOf } from './context/engine.js';
import { informationFromOthers, otherPeoplesHealth, type Contextual } from './detect/combine.js';
import { detectIdentifiers } from './detect/identifiers.js';
import { detectLexiconFindings } from './detect/lexicon-findings.js';
import { resolvePatient } from './detect/patient.js';
import { detectPeople } from './detect/people.js';
import type { DetectInput, Detector, RawFinding } from './detect/types.js';
import { compileLexicon, type CompiledLexicon } from './lexicon/compile.js';
import { loadLexicons, resolveLexiconPaths, type LexiconSet } from './lexicon/load.js';
import { matchLexicon } from './lexicon/match.js';
import type { LoadedEntry } from './lexicon/schema.js';
import { EntrySchema } from './lexicon/schema.js';
import {
  ScanContextSchema,
  ThresholdsSchema,
  type ContextResult,
  type Finding,
  type ScanContext,
  type ScanResult,
  type Thresholds,
} from './schemas.js';
import { reasonsFor } from './score/reasons.js';
import { accumulated, applyDocumentRules, decide, findingScore, type Scored, DEFAULT_THRESHOLDS } from './score/verdict.js';
import { analyse, fromOriginal, toOriginal, tokensCovering, type Analysed } from './text/index.js';
import { isQuestion } from './text/sentences.js';

export const ScannerOptionsSchema = z
  .object({
    /** extra lexicon files or globs, applied after the built-in ones (override by id) */
    lexicons: z.array(z.string().min(1)).optional(),
    /** entries given directly (validated like a file's) */
    entries: z.array(z.unknown()).optional(),
    /** false: use only the given lexicons (the built-in context triggers still load) */
    builtinLexicons: z.boolean().optional(),
    thresholds: ThresholdsSchema.optional(),
    /** copy the matched text into each finding: record text is patient data, off by default */
    includeText: z.boolean().optional(),
    /** documents longer than this (UTF-16 code units) are not scanned: verdict review, with an error */
    maxLength: z.number().int().positive().optional(),
    /** extra detectors (advanced): each may throw; the scanner then fails closed */
    detectors: z.array(z.custom<Detector>((v) => typeof v === 'function', 'must be a function')).optional(),
  })
  .strict();
export type ScannerOptions = z.input<typeof ScannerOptionsSchema>;

export const DEFAULT_MAX_LENGTH = 20_000_000;

export interface Scanner {
  scan(text: string, context?: ScanContext): ScanResult;
  detectContext(text: string, span: { start: number; end: number }): ContextResult;
  readonly lexiconVersion: string;
  readonly lexicon: LexiconSet;
  readonly thresholds: Thresholds;
}

const BUILTIN_DETECTORS: [string, Detector][] = [
  ['lexicon', detectLexiconFindings],
  ['identifiers', detectIdentifiers],
  ['people', detectPeople],
];

/**
 * Drop a finding inside a longer (or equal, earlier) one of the same category and context
 * that weighs at least as much. A sweep over findings sorted by start keeps this linear in
 * practice: only findings still open at the current start are compared.
 */
function dedupe(findings: Contextual[]): Contextual[] {
  const sorted = [...findings].sort((a, b) => a.start - b.start || b.end - a.end || b.weight - a.weight);
  const kept: Contextual[] = [];
  const open = new Map<string, Contextual[]>();
  for (const f of sorted) {
    const key = `${f.category}|${f.context.negated}|${f.context.hypothetical}`;
    const active = (open.get(key) ?? []).filter((o) => o.end > f.start || (o.start === f.start && o.end === f.end));
    const covered = active.some((o) => o.start <= f.start && o.end >= f.end && o.weight >= f.weight);
    if (!covered) {
      kept.push(f);
      active.push(f);
    }
    open.set(key, active);
  }
  return kept;
}

function emptyCategories() {
  return {
    thirdParty: { score: 0, count: 0 },
    safeguarding: { score: 0, count: 0 },
    sensitive: { score: 0, count: 0 },
    harm: { score: 0, count: 0 },
  };
}

/** Internal errors are described without record text. */
function describeError(where: string, err: unknown): string {
  const name = err instanceof Error ? err.name : typeof err;
  return `internal error in ${where} (${name}); the document was not fully scanned`;
}

export function createScanner(options: ScannerOptions = {}): Scanner {
  const opts = ScannerOptionsSchema.parse(options);
  const thresholds: Thresholds = { ...DEFAULT_THRESHOLDS, ...(opts.thresholds ?? {}) };
  const directEntries: LoadedEntry[] = (opts.entries ?? []).map((raw, i) => {
    const parsed = EntrySchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const id = raw && typeof raw === 'object' && 'id' in raw ? String((raw as { id: unknown }).id) : `#${i + 1}`;
      throw new Error(`options.entries[${i}] (entry "${id}"), field "${issue.path.join('.')}": ${issue.message}`);
    }
    return { ...parsed.data, file: 'options.entries' };
  });
  const files = opts.lexicons ? resolveLexiconPaths(opts.lexicons) : [];
  let lexicon = loadLexicons({ builtin: true, files, entries: directEntries });
  if (opts.builtinLexicons === false) {
    const own = new Set([...loadLexicons({ builtin: false, files, entries: directEntries }).entries.map((e) => e.id)]);
    const entries = lexicon.entries.filter((e) => own.has(e.id) || e.use === 'context');
    lexicon = { ...lexicon, entries };
  }
  const compiled: CompiledLexicon = compileLexicon(lexicon.entries);
  const detectors: [string, Detector][] = [
    ...BUILTIN_DETECTORS,
    ...(opts.detectors ?? []).map((d, i) => [`detector ${i + 1}`, d] as [string, Detector]),
  ];
  const maxLength = opts.maxLength ?? DEFAULT_MAX_LENGTH;

  const prepare = (doc: Analysed, context: ScanContext): DetectInput => {
    const hits = matchLexicon(doc, compiled);
    const ctxIndex = buildContextIndex(doc, hits, compiled.entries);
    const memo = new Map<number, ContextResult>();
    return {
      doc,
      lexicon: compiled,
      hits,
      context: ctxIndex,
      patient: resolvePatient(doc, context.patient),
      given: context.patient,
      kind: context.kind,
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
  };

  const failed = (error: string, id?: string): ScanResult => ({
    verdict: 'review',
    score: 0,
    categories: emptyCategories(),
    findings: [],
    reasons: ['The document could not be scanned; a clinician must review it.'],
    lexiconVersion: lexicon.version,
    ...(id !== undefined ? { id } : {}),
    error,
  });

  function scan(text: string, context: ScanContext = {}): ScanResult {
    const ctxParsed = ScanContextSchema.safeParse(context ?? {});
    const id = ctxParsed.success ? ctxParsed.data.id : undefined;
    if (!ctxParsed.success) {
      const issue = ctxParsed.error.issues[0];
      return failed(`invalid scan context: field "${issue.path.join('.')}": ${issue.message}`, id);
    }
    if (typeof text !== 'string') return failed(`text must be a string, got ${text === null ? 'null' : typeof text}`, id);
    if (text.length > maxLength) return failed(`document too large: ${text.length} characters exceeds the limit of ${maxLength}`, id);
    try {
      return run(text, ctxParsed.data, id);
    } catch (err) {
      return failed(describeError('the scanner', err), id);
    }
  }

  function run(text: string, context: ScanContext, id: string | undefined): ScanResult {
    const doc = analyse(text);
    const input = prepare(doc, context);
    const errors: string[] = [];
    const raw: RawFinding[] = [];
    for (const [name, d] of detectors) {
      try {
        // No spread: a document can have more findings than a call's argument limit.
        for (const f of d(input)) raw.push(f);
      } catch (err) {
        errors.push(describeError(`detector "${name}"`, err));
      }
    }
    let found: Contextual[] = raw.map((f) => {
      let context = f.context ?? input.contextFor(f.startTok, f.endTok);
      if (f.ignoreModifiers?.length) {
        context = { ...context };
        for (const m of f.ignoreModifiers) context[m] = false;
        context.triggers = context.triggers.filter((t) => !f.ignoreModifiers!.includes(t.modifier as never));
      }
      return { ...f, context };
    });
    try {
      for (const f of informationFromOthers(input, found)) found.push(f);
      const health = otherPeoplesHealth(input, found);
      const converted = new Set(health.filter((h) => h.ruleId !== 'detector/third-party-health').map((h) => h.ruleId + ':' + h.start));
      found = found.filter((f) => !(f.category === 'sensitive' && converted.has(f.ruleId + ':' + f.start)));
      for (const f of health) found.push(f);
    } catch (err) {
      errors.push(describeError('third-party rules', err));
    }
    found = dedupe(found);

    // Only read for uncertain findings, the ones a question could hold back.
    const asked = (tok: number) => {
      const sent = doc.sentences[doc.tokenSentence[tok]];
      return !!sent && isQuestion(doc.norm.text, sent);
    };
    const scored: Scored[] = found.map((f) => {
      const o = toOriginal(doc.norm, f.start, f.end);
      const { triggers, ...modifiers } = f.context;
      const finding: Finding = {
        category: f.category,
        type: f.type,
        ruleId: f.ruleId,
        start: o.start,
        end: o.end,
        score: Math.round(findingScore(f.category, f.weight, modifiers, modifiers.uncertain && asked(f.startTok) ? undefined : thresholds.review) * 1e4) / 1e4,
        modifiers,
        triggers,
      };
      if (opts.includeText) finding.text = text.slice(o.start, o.end);
      return { finding, weight: f.weight, escalates: f.escalates };
    });
    applyDocumentRules(scored, thresholds);
    const findings = scored.map((s) => s.finding).sort((a, b) => a.start - b.start || a.end - b.end || (a.ruleId < b.ruleId ? -1 : 1));
    const decision = decide(findings, thresholds);
    let verdict = decision.verdict;
    const lesser = findings.some((f) => f.score >= thresholds.review) ? [] : accumulated(findings, thresholds);
    const reasons = reasonsFor(scored, verdict, thresholds, lesser);
    const result: ScanResult = {
      verdict,
      score: decision.score,
      categories: decision.categories,
      findings,
      reasons,
      lexiconVersion: lexicon.version,
    };
    if (id !== undefined) result.id = id;
    if (errors.length) {
      // Fail closed: a document that was not fully scanned is never shown unreviewed.
      if (verdict === 'visible') verdict = 'review';
      result.verdict = verdict;
      result.error = errors.join('; ');
      result.reasons.unshift('Part of the scan failed; a clinician must review this document.');
    }
    return result;
  }

  function detectContext(text: string, span: { start: number; end: number }): ContextResult {
    const none: ContextResult = { negated: false, uncertain: false, hypothetical: false, historical: false, experiencer: 'patient', triggers: [] };
    if (typeof text !== 'string' || !span || !(span.end > span.start)) return none;
    const doc = analyse(text);
    const input = prepare(doc, {});
    const ns = fromOriginal(doc.norm, span.start);
    const ne = fromOriginal(doc.norm, span.end);
    const [a, b] = tokensCovering(doc.tokens, ns, ne);
    if (a >= doc.tokens.length || b <= a) return none;
    return input.contextFor(a, b);
  }

  return { scan, detectContext, lexiconVersion: lexicon.version, lexicon, thresholds };
}

let shared: Scanner | undefined;
/** The shared default scanner (built-in lexicons), created on first use. */
export function defaultScanner(): Scanner {
  shared ??= createScanner();
  return shared;
}

export function scan(text: string, context?: ScanContext): ScanResult {
  return defaultScanner().scan(text, context);
}

export function detectContext(text: string, span: { start: number; end: number }): ContextResult {
  return defaultScanner().detectContext(text, span);
}
