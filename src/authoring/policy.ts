import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { builtinLexiconDir } from '../lexicon/load.js';
import { PatientSchema, verdictRank, VerdictSchema, type Verdict } from '../model/index.js';
import type { Scanner } from '../scanner/index.js';

/**
 * POLICY.md's worked examples and borderline rows, shipped with the package
 * (policy/examples.yaml): what a lexicon in force must never make less strict.
 */
const PolicyExampleSchema = z.object({ row: z.string(), text: z.string().min(1), verdict: VerdictSchema, patient: PatientSchema.optional() }).strict();
export type PolicyExample = z.infer<typeof PolicyExampleSchema>;

export function policyExamplesPath(): string {
  return join(dirname(builtinLexiconDir()), 'policy', 'examples.yaml');
}

export function loadPolicyExamples(file = policyExamplesPath()): PolicyExample[] {
  return z.array(PolicyExampleSchema).parse(parse(readFileSync(file, 'utf8')));
}

export interface PolicyOutcome {
  example: PolicyExample;
  got: Verdict;
  /** less strict than POLICY: a lexicon change lets through what POLICY places higher */
  laxer: boolean;
  stricter: boolean;
}

export function runPolicyExamples(scanner: Scanner, examples = loadPolicyExamples()): PolicyOutcome[] {
  return examples.map((example) => {
    const got = scanner.scan(example.text, example.patient ? { patient: example.patient } : {}).verdict;
    return { example, got, laxer: verdictRank(got) < verdictRank(example.verdict), stricter: verdictRank(got) > verdictRank(example.verdict) };
  });
}
