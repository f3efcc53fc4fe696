import { buildContextIndex, contextOf } from '../context/engine.js';
import { compileLexicon, type CompiledLexicon } from '../lexicon/compile.js';
import { matchLexicon } from '../lexicon/match.js';
import type { LoadedEntry } from '../lexicon/schema.js';
import { vocabularyRegex } from '../lexicon/vocabulary.js';
import type { Rule, RuleExample } from '../rules/types.js';
import { match, runRules, type Scanner } from '../scanner/index.js';
import { analyse, tokensCovering } from '../text/index.js';

/**
 * Every lexicon entry and every rule tests itself (after ESLint's RuleTester): each `match`
 * example must produce a hit of the entry (a finding of the rule), each `noMatch` must not.
 * Context triggers mark their target with [[...]] and are checked through ConText; named
 * vocabularies must (or must not) contain a word of the example.
 */

export interface ExampleOutcome {
  entryId: string;
  file: string;
  kind: 'match' | 'noMatch';
  index: number;
  example: string;
  pass: boolean;
  /** what was found instead, in words (for the failure message) */
  detail?: string;
}
export type ExampleFailure = ExampleOutcome & { pass: false };

const MARK = /\[\[(.+?)\]\]/;

function stripMarker(example: string): { text: string; start: number; end: number } | undefined {
  const m = MARK.exec(example);
  if (!m) return undefined;
  const text = example.slice(0, m.index) + m[1] + example.slice(m.index + m[0].length);
  return { text, start: m.index, end: m.index + m[1].length };
}

function checkHit(lex: CompiledLexicon, entryIdx: number, text: string): { hit: boolean; detail: string } {
  const doc = analyse(text, lex.text);
  const hits = matchLexicon(doc, lex).filter((h) => h.entry === entryIdx);
  const detail = hits.length
    ? `hit at ${hits.map((h) => `"${text.slice(doc.norm.starts[h.start], doc.norm.ends[h.end - 1])}"`).join(', ')}`
    : 'no hit';
  return { hit: hits.length > 0, detail };
}

function checkContext(lex: CompiledLexicon, entryIdx: number, example: string): { hit: boolean; detail: string } {
  const marked = stripMarker(example);
  if (!marked) return { hit: false, detail: 'context examples need a [[target]]' };
  const doc = analyse(marked.text, lex.text);
  const hits = matchLexicon(doc, lex);
  const index = buildContextIndex(doc, hits, lex.entries);
  const [a, b] = tokensCovering(doc.tokens, marked.start, marked.end);
  const blockers: string[] = [];
  const ctx = contextOf(doc, index, a, b, blockers);
  const id = lex.entries[entryIdx].id;
  const fired = ctx.triggers.some((t) => t.ruleId === id) || blockers.includes(id);
  const detail = ctx.triggers.length ? `triggers: ${ctx.triggers.map((t) => `${t.ruleId} (${t.modifier})`).join(', ')}` : 'no trigger fired';
  return { hit: fired, detail };
}

function checkVocabulary(lex: CompiledLexicon, name: string, text: string): { hit: boolean; detail: string } {
  const m = vocabularyRegex(lex.vocabularies.get(name)).exec(text);
  return { hit: !!m, detail: m ? `contains "${m[0]}"` : `no word of {${name}}` };
}

/**
 * Run the examples of `only` entries (default: all) against the full set `entries`,
 * so a user's override is tested together with everything else in force.
 */
export function runLexiconExamples(entries: LoadedEntry[], only?: (e: LoadedEntry) => boolean): ExampleOutcome[] {
  const lex = compileLexicon(entries);
  const out: ExampleOutcome[] = [];
  entries.forEach((e, idx) => {
    if (only && !only(e)) return;
    const check = (example: string) =>
      e.kind === 'context' ? checkContext(lex, idx, example) : e.kind === 'vocabulary' && e.use === undefined ? checkVocabulary(lex, e.name!, example) : checkHit(lex, idx, example);
    const run = (kind: 'match' | 'noMatch', list: string[]) =>
      list.forEach((example, i) => {
        let r: { hit: boolean; detail: string };
        try {
          r = check(example);
        } catch (err) {
          r = { hit: kind === 'noMatch', detail: `error: ${(err as Error).message}` };
        }
        const pass = kind === 'match' ? r.hit : !r.hit;
        out.push({ entryId: e.id, file: e.file, kind, index: i, example, pass, ...(pass ? {} : { detail: r.detail }) });
      });
    run('match', e.examples?.match ?? []);
    run('noMatch', e.examples?.noMatch ?? []);
  });
  return out;
}

const textOf = (x: RuleExample) => (typeof x === 'string' ? x : x.text);

/**
 * The examples of the rules written in code, through the scanner's own pipeline up to the
 * rules step: a `match` example must give a finding with the rule's id (a document rule: a
 * finding it lifted or ruled out), a `noMatch` none.
 */
export function runRuleExamples(scanner: Scanner, rules: readonly Rule[] = scanner.registry.rules.filter((r) => r.origin === 'code')): ExampleOutcome[] {
  const out: ExampleOutcome[] = [];
  for (const rule of rules) {
    const id = rule.meta.id;
    const fires = (x: RuleExample): { hit: boolean; detail: string } => {
      const ctx = typeof x === 'string' ? {} : { patient: x.patient, kind: x.kind };
      const errors: string[] = [];
      const found = runRules(scanner.registry, match(analyse(textOf(x), scanner.compiled.text), scanner.compiled, ctx), errors);
      if (errors.length) return { hit: false, detail: `the rules failed: ${errors.join('; ')}` };
      // a document rule fires by lifting a finding or by ruling one out
      const hit = found.some((f) => f.raise?.by === id || f.ruledOut?.by === id || f.ruleId === id);
      return { hit, detail: `rules that fired: ${[...new Set(found.map((f) => f.raise?.by ?? f.ruleId))].join(', ') || 'none'}` };
    };
    const run = (kind: 'match' | 'noMatch', list: RuleExample[]) =>
      list.forEach((x, i) => {
        const r = fires(x);
        const pass = kind === 'match' ? r.hit : !r.hit;
        out.push({ entryId: id, file: 'code', kind, index: i, example: textOf(x), pass, ...(pass ? {} : { detail: r.detail }) });
      });
    run('match', rule.examples.match);
    run('noMatch', rule.examples.noMatch);
  }
  return out;
}
