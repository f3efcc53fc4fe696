import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Scanner } from '../src/scanner/index.js';
import { CATEGORIES, type Category } from '../src/lexicon/schema.js';
import type { ScanResult, Verdict } from '../src/model/index.js';

/** Labelled example format of POLICY.md. */
export const ExampleSchema = z.object({
  id: z.string(),
  kind: z.enum(['entry', 'letter']),
  patient: z.object({ name: z.string().optional(), sex: z.string().optional(), nhsNumber: z.string().optional(), dateOfBirth: z.string().optional() }),
  text: z.string(),
  verdict: z.enum(['visible', 'review', 'withhold']),
  categories: z.array(z.enum(CATEGORIES)),
  spans: z.array(z.object({ category: z.enum(CATEGORIES), text: z.string() })),
  absent: z.array(z.object({ category: z.enum(CATEGORIES), text: z.string() })).default([]),
  note: z.string().optional(),
});
export type Example = z.infer<typeof ExampleSchema>;

export function readExamples(file: string): Example[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l, i) => [l, i + 1] as const)
    .filter(([l]) => l.trim())
    .map(([l, n]) => {
      const parsed = ExampleSchema.safeParse(JSON.parse(l));
      if (!parsed.success) throw new Error(`${file}:${n}: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
      return parsed.data;
    });
}

const VERDICTS: Verdict[] = ['visible', 'review', 'withhold'];

function occurrences(text: string, phrase: string): [number, number][] {
  const out: [number, number][] = [];
  let i = text.indexOf(phrase);
  while (i >= 0) {
    out.push([i, i + phrase.length]);
    i = text.indexOf(phrase, i + 1);
  }
  return out;
}

const affirmed = (r: ScanResult, c: Category) => r.findings.filter((f) => f.category === c && !f.modifiers.negated && !f.modifiers.hypothetical);
const overlaps = (r: ScanResult, c: Category, [s, e]: [number, number]) => affirmed(r, c).some((f) => f.start < e && f.end > s);

export interface EvalReport {
  n: number;
  accuracy: number;
  confusion: Record<Verdict, Record<Verdict, number>>;
  unsafeVisible: { k: number; n: number };
  missedWithhold: { k: number; n: number };
  falseAlarm: { k: number; n: number };
  spanRecall: Record<Category, { k: number; n: number }>;
  absentViolations: { k: number; n: number };
  wrong: { id: string; gold: Verdict; got: Verdict }[];
  missedSpans: { id: string; category: Category; text: string }[];
  violations: { id: string; category: Category; text: string }[];
  notFound: { id: string; text: string }[];
}

export function evaluate(scanner: Scanner, examples: Example[]): EvalReport {
  const confusion = Object.fromEntries(VERDICTS.map((g) => [g, Object.fromEntries(VERDICTS.map((p) => [p, 0]))])) as EvalReport['confusion'];
  const spanRecall = Object.fromEntries(CATEGORIES.map((c) => [c, { k: 0, n: 0 }])) as EvalReport['spanRecall'];
  const rep: EvalReport = {
    n: examples.length, accuracy: 0, confusion,
    unsafeVisible: { k: 0, n: 0 }, missedWithhold: { k: 0, n: 0 }, falseAlarm: { k: 0, n: 0 },
    spanRecall, absentViolations: { k: 0, n: 0 }, wrong: [], missedSpans: [], violations: [], notFound: [],
  };
  let correct = 0;
  for (const ex of examples) {
    const r = scanner.scan(ex.text, { patient: ex.patient, kind: ex.kind, id: ex.id });
    confusion[ex.verdict][r.verdict]++;
    if (r.verdict === ex.verdict) correct++;
    else rep.wrong.push({ id: ex.id, gold: ex.verdict, got: r.verdict });
    if (ex.verdict !== 'visible') {
      rep.unsafeVisible.n++;
      if (r.verdict === 'visible') rep.unsafeVisible.k++;
    }
    if (ex.verdict === 'withhold') {
      rep.missedWithhold.n++;
      if (r.verdict === 'visible') rep.missedWithhold.k++;
    }
    if (ex.verdict === 'visible') {
      rep.falseAlarm.n++;
      if (r.verdict !== 'visible') rep.falseAlarm.k++;
    }
    for (const s of ex.spans) {
      const occ = occurrences(ex.text, s.text);
      if (!occ.length) {
        rep.notFound.push({ id: ex.id, text: s.text });
        continue;
      }
      spanRecall[s.category].n++;
      if (occ.some((o) => overlaps(r, s.category, o))) spanRecall[s.category].k++;
      else rep.missedSpans.push({ id: ex.id, category: s.category, text: s.text });
    }
    for (const a of ex.absent) {
      const occ = occurrences(ex.text, a.text);
      if (!occ.length) {
        rep.notFound.push({ id: ex.id, text: a.text });
        continue;
      }
      rep.absentViolations.n++;
      if (occ.some((o) => overlaps(r, a.category, o))) {
        rep.absentViolations.k++;
        rep.violations.push({ id: ex.id, category: a.category, text: a.text });
      }
    }
  }
  rep.accuracy = correct / Math.max(1, examples.length);
  return rep;
}

const pct = (x: { k: number; n: number }) => `${x.n ? ((100 * x.k) / x.n).toFixed(1) : '0.0'}% (${x.k}/${x.n})`;

export function formatReport(rep: EvalReport): string {
  const lines: string[] = [];
  lines.push(`examples              ${rep.n}`);
  lines.push(`verdict accuracy      ${(100 * rep.accuracy).toFixed(1)}%`);
  lines.push(`unsafe-visible rate   ${pct(rep.unsafeVisible)}`);
  lines.push(`missed-withhold rate  ${pct(rep.missedWithhold)}`);
  lines.push(`false-alarm rate      ${pct(rep.falseAlarm)}`);
  lines.push(`absent-violation rate ${pct(rep.absentViolations)}`);
  for (const c of CATEGORIES) lines.push(`span recall ${c.padEnd(13)} ${pct(rep.spanRecall[c])}`);
  lines.push('');
  lines.push('confusion (rows gold, columns predicted)');
  lines.push(`${''.padEnd(10)}${VERDICTS.map((v) => v.padStart(10)).join('')}`);
  for (const g of VERDICTS) lines.push(`${g.padEnd(10)}${VERDICTS.map((p) => String(rep.confusion[g][p]).padStart(10)).join('')}`);
  return lines.join('\n');
}
