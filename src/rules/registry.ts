import type { CompiledLexicon } from '../lexicon/compile.js';
import { documentRules } from './document-rules.js';
import { identifiers } from './identifiers.js';
import { lexiconSource } from './lexicon-findings.js';
import { people } from './people.js';
import { thirdPartyHealth } from './third-party-health.js';
import { thirdPartyInformation } from './third-party-information.js';
import type { Detector, Rule, Source } from './types.js';

/**
 * Every source of findings, in the order the rules step runs them, and every rule they
 * implement, with its meta and examples (after ESLint's rule registry): the lexicon's finding
 * entries, identifiers, people, the second-stage rules that combine findings, and the
 * document rules. A finding's `ruleId` is always one of these rules' ids (or a caller's own
 * detector's).
 */
export interface Registry {
  sources: Source[];
  rules: Rule[];
  byId: ReadonlyMap<string, Rule>;
}

/** The rules written in code (the lexicon's entries are rules too, added per lexicon). */
export const CODE_SOURCES: readonly Source[] = [identifiers, people, thirdPartyInformation, thirdPartyHealth, documentRules];

export function buildRegistry(lex: CompiledLexicon, extra: Detector[] = []): Registry {
  const custom: Source[] = extra.map((detect, i) => ({ stage: 'detect', name: `detector ${i + 1}`, rules: [], detect }));
  const order: Source['stage'][] = ['detect', 'combine', 'document'];
  const all = [lexiconSource(lex), ...CODE_SOURCES, ...custom];
  const sources = order.flatMap((stage) => all.filter((s) => s.stage === stage));
  const rules = sources.flatMap((s) => s.rules);
  return { sources, rules, byId: new Map(rules.map((r) => [r.meta.id, r])) };
}
