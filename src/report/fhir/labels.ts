import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { z } from 'zod';
import { builtinLexiconDir } from '../../lexicon/load.js';
import { maxVerdict, type Finding, type Verdict } from '../../model/index.js';

// Loaded on first use, not at import: importing the package (or starting a worker) should not pay for
// libraries that scanning a text never needs (cold start, issue 17).
const requireHere = createRequire(import.meta.url);
let yamlModule: typeof Yaml | undefined;
const yaml = (): typeof Yaml => (yamlModule ??= requireHere('yaml') as typeof Yaml);

/**
 * FHIR security labels for a scan result (DESIGN.md, "Contract additions"): NOPAT for withhold
 * and review, a pending-review tag for review, and sensitivity codes for the findings that count.
 * Which code each finding carries is data (policy/fhir-labels.yaml), validated here at load.
 */

export const ACT_CODE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
export const REVIEW_TAG_SYSTEM = 'urn:safeguard-scan:review';
export const ERROR_TAG_SYSTEM = 'urn:safeguard-scan:error';

export interface Coding {
  system: string;
  code: string;
  display?: string;
}

/** What toFhirLabels adds to a resource's meta: it never removes anything. */
export interface FhirLabels {
  security: Coding[];
  tag: Coding[];
}

const CodeList = z.array(z.string().regex(/^[A-Z][A-Z0-9]*$/, 'must be a v3-ActCode code in capitals'));

export const FhirLabelMapSchema = z
  .object({
    system: z.literal(ACT_CODE_SYSTEM),
    codes: z.record(z.string().regex(/^[A-Z][A-Z0-9]*$/), z.string().min(1)),
    types: z.record(z.string().regex(/^(thirdParty|safeguarding|sensitive|harm)\/[a-z0-9-]+$/, 'must be category/type'), CodeList),
    entries: z.record(z.string().min(1), CodeList),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (!m.codes.NOPAT) ctx.addIssue({ code: 'custom', path: ['codes', 'NOPAT'], message: 'NOPAT must be listed' });
    for (const where of ['types', 'entries'] as const)
      for (const [key, codes] of Object.entries(m[where]))
        for (const c of codes) if (!m.codes[c]) ctx.addIssue({ code: 'custom', path: [where, key], message: `code ${c} is not listed under codes` });
  });
export type FhirLabelMap = z.infer<typeof FhirLabelMapSchema>;

export function fhirLabelMapPath(): string {
  return join(dirname(builtinLexiconDir()), 'policy', 'fhir-labels.yaml');
}

/** Load and validate a label map; a problem names the file and the field. */
export function loadFhirLabelMap(file = fhirLabelMapPath()): FhirLabelMap {
  const parsed = FhirLabelMapSchema.safeParse(yaml().parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`${file}: ${i.path.join('.') || '(top)'}: ${i.message}`);
  }
  return parsed.data;
}

let shipped: FhirLabelMap | undefined;
const defaultMap = () => (shipped ??= loadFhirLabelMap());

/** A finding's sensitivity codes: by its rule id, else by category/type; undefined when the map says nothing of it. */
export function codesFor(f: Pick<Finding, 'ruleId' | 'category' | 'type'>, map: FhirLabelMap = defaultMap()): string[] | undefined {
  return map.entries[f.ruleId] ?? map.types[`${f.category}/${f.type}`];
}

/** The part of a result the labels depend on: a ScanResult and a DocumentResult both have it. */
export interface LabelInput {
  verdict: Verdict;
  findings: readonly Finding[];
  error?: string;
}

const counts = (f: Finding) => f.score > 0 && (f.level ?? 'visible') !== 'visible';

/**
 * The labels for one or more results that describe one resource (a Binary read as the
 * attachment of two DocumentReferences carries both): the strictest verdict, every counting
 * finding's codes, and any error as a tag (its text names causes, never record text).
 */
export function labelsFor(results: readonly LabelInput[], map: FhirLabelMap = defaultMap()): FhirLabels {
  const security: Coding[] = [];
  const tag: Coding[] = [];
  if (results.length === 0) return { security, tag };
  const verdict = results.map((r) => r.verdict).reduce(maxVerdict);
  const code = (c: string): Coding => ({ system: ACT_CODE_SYSTEM, code: c, display: map.codes[c] });
  if (verdict !== 'visible') security.push(code('NOPAT'));
  const sensitivity = new Set<string>();
  for (const r of results) for (const f of r.findings) if (counts(f)) for (const c of codesFor(f, map) ?? []) sensitivity.add(c);
  for (const c of [...sensitivity].sort()) security.push(code(c));
  if (verdict === 'review') tag.push({ system: REVIEW_TAG_SYSTEM, code: 'pending', display: 'a clinician must review this before it is shown to the patient' });
  const errors = [...new Set(results.map((r) => r.error).filter((e): e is string => !!e))].join('; ');
  if (errors) tag.push({ system: ERROR_TAG_SYSTEM, code: 'unreadable', display: errors.length > 1000 ? `${errors.slice(0, 997)}...` : errors });
  return { security, tag };
}

/** The FHIR labels for one scan result (library): meta.security and meta.tag codings to add to the resource it came from. */
export function toFhirLabels(result: LabelInput): FhirLabels {
  return labelsFor([result]);
}

const same = (a: { system?: unknown; code?: unknown }, b: Coding) => a.system === b.system && a.code === b.code;

/** Add labels to a resource's meta, keeping every label it had (none is removed or changed). Returns the same object. */
export function applyLabels<T extends Record<string, unknown>>(resource: T, labels: FhirLabels): T {
  if (labels.security.length === 0 && labels.tag.length === 0) return resource;
  const meta = (resource.meta && typeof resource.meta === 'object' ? resource.meta : {}) as Record<string, unknown>;
  for (const key of ['security', 'tag'] as const) {
    if (labels[key].length === 0) continue;
    const had = Array.isArray(meta[key]) ? (meta[key] as { system?: unknown; code?: unknown }[]) : [];
    const add = labels[key].filter((c) => !had.some((h) => same(h, c)));
    meta[key] = [...had, ...add];
  }
  (resource as Record<string, unknown>).meta = meta;
  return resource;
}
