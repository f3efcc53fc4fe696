import { buildContextIndex, contextOf } from '../context/engine.js';
import { analyse, tokensCovering } from '../text/index.js';
import { compileLexicon, type CompiledLexicon } from './compile.js';
import { matchLexicon } from './match.js';
import type { LoadedEntry } from './schema.js';

/**
 * Every lexicon entry tests itself (after ESLint's RuleTester): each `match` example must
 * produce a hit of the entry, each `noMatch` must not. Context triggers mark their target
 * with [[...]] and are checked through ConText.
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
  const doc = analyse(text);
  const hits = matchLexicon(doc, lex).filter((h) => h.entry === entryIdx);
  const detail = hits.length
    ? `hit at ${hits.map((h) => `"${text.slice(doc.norm.starts[h.start], doc.norm.ends[h.end - 1])}"`).join(', ')}`
    : 'no hit';
  return { hit: hits.length > 0, detail };
}

function checkContext(lex: CompiledLexicon, entryIdx: number, example: string): { hit: boolean; detail: string } {
  const marked = stripMarker(example);
  if (!marked) return { hit: false, detail: 'context examples need a [[target]]' };
  const doc = analyse(marked.text);
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

/**
 * Run the examples of `only` entries (default: all) against the full set `entries`,
 * so a user's override is tested together with everything else in force.
 */
export function runLexiconExamples(entries: LoadedEntry[], only?: (e: LoadedEntry) => boolean): ExampleOutcome[] {
  const lex = compileLexicon(entries);
  const out: ExampleOutcome[] = [];
  entries.forEach((e, idx) => {
    if (only && !only(e)) return;
    const run = (kind: 'match' | 'noMatch', list: string[]) =>
      list.forEach((example, i) => {
        let r: { hit: boolean; detail: string };
        try {
          r = e.use === 'context' ? checkContext(lex, idx, example) : checkHit(lex, idx, example);
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
