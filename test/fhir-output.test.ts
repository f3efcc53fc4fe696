import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanFiles } from '../src/batch/scan-files.js';
import { toFhirLabels as libraryToFhirLabels } from '../src/index.js';
import { applyLabels, codesFor, loadFhirLabelMap, toFhirLabels, ACT_CODE_SYSTEM } from '../src/report/index.js';
import { createScanner } from '../src/scanner/index.js';
import { ENHANCED_REVIEW_CODE } from '../src/score/suggested-codes.js';
import { rmrf, runCliInProcess, tempDir } from './batch-helpers.js';

/** FHIR output: NOPAT and sensitivity labels, the map behind them (data), and suggested codes. All text is invented. */
const scanner = createScanner();
const map = loadFhirLabelMap();
const security = (text: string) => toFhirLabels(scanner.scan(text)).security.map((c) => c.code);
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('policy/fhir-labels.yaml', () => {
  it('covers every built-in finding entry and code rule: mapped to codes, or listed as carrying none', () => {
    const missing: string[] = [];
    for (const rule of scanner.registry.rules) {
      if (map.entries[rule.meta.id]) continue;
      if (rule.meta.types.length === 0) missing.push(`${rule.meta.id} (reports no type: list it under entries)`);
      for (const t of rule.meta.types) if (!map.types[`${rule.meta.category}/${t}`]) missing.push(`${rule.meta.id} (${rule.meta.category}/${t})`);
    }
    expect(missing).toEqual([]);
    expect(scanner.registry.rules.length).toBeGreaterThan(200);
  });

  it('lists no key that no rule has (a renamed entry would leave a stale line)', () => {
    const types = new Set(scanner.registry.rules.flatMap((r) => r.meta.types.map((t) => `${r.meta.category}/${t}`)));
    const ids = new Set(scanner.registry.rules.map((r) => r.meta.id));
    expect(Object.keys(map.types).filter((k) => !types.has(k))).toEqual([]);
    expect(Object.keys(map.entries).filter((k) => !ids.has(k))).toEqual([]);
  });

  it('is validated at load: a code not listed, or a key that is not category/type, is refused naming the field', () => {
    const dir = tempDir('sgs-labels-');
    try {
      const good = readFileSync(join(process.cwd(), 'policy/fhir-labels.yaml'), 'utf8');
      writeFileSync(join(dir, 'a.yaml'), good.replace('sensitive/hiv: [HIV]', 'sensitive/hiv: [HIVX]'));
      expect(() => loadFhirLabelMap(join(dir, 'a.yaml'))).toThrow(/types\.sensitive\/hiv: code HIVX is not listed under codes/);
      writeFileSync(join(dir, 'b.yaml'), good.replace('sensitive/hiv: [HIV]', 'hiv: [HIV]'));
      expect(() => loadFhirLabelMap(join(dir, 'b.yaml'))).toThrow(/types\.hiv/);
    } finally {
      rmrf(dir);
    }
  });

  it('maps the sensitive and safeguarding findings to their v3-ActCode codes', () => {
    expect(codesFor({ ruleId: 'sensitive/hiv', category: 'sensitive', type: 'hiv' }, map)).toEqual(['HIV']);
    expect(codesFor({ ruleId: 'sensitive/dementia-diagnosis', category: 'sensitive', type: 'serious-diagnosis' }, map)).toEqual(['COGN']);
    expect(security('HIV positive, on antiretrovirals.')).toEqual(['NOPAT', 'HIV']);
    expect(security('Chlamydia NAAT positive. Doxycycline 100mg bd 7/7.')).toEqual(['NOPAT', 'STD']);
    expect(security('Disclosed that partner hit her last week. MARAC referral made.')).toContain('SDV');
    expect(security('Low mood, PHQ-9 18. Passive suicidal thoughts, no plan.')).toEqual(['NOPAT', 'PSY']);
    expect(security('Alcohol dependence, referred to community alcohol team.')).toEqual(['NOPAT', 'ETH', 'ETHUD']);
    expect(security('BRCA1 carrier, predictive testing discussed.')).toContain('GDIS');
  });
});

describe('toFhirLabels', () => {
  it('NOPAT for withhold; NOPAT and a pending-review tag for review; nothing for visible', () => {
    const withhold = toFhirLabels(scanner.scan('Disclosed that partner hit her last week. MARAC referral made.'));
    expect(withhold.security[0]).toEqual({ system: ACT_CODE_SYSTEM, code: 'NOPAT', display: map.codes.NOPAT });
    expect(withhold.tag).toEqual([]);
    const review = toFhirLabels(scanner.scan('Chlamydia NAAT positive. Doxycycline 100mg bd 7/7.'));
    expect(review.tag).toEqual([{ system: 'urn:safeguard-scan:review', code: 'pending', display: expect.any(String) }]);
    expect(toFhirLabels(scanner.scan('BP 132/84. Continue amlodipine 5mg.'))).toEqual({ security: [], tag: [] });
    // Negated: no finding counts, no code.
    expect(toFhirLabels(scanner.scan('Asked re DV as per routine enquiry - denies. No safeguarding concerns.'))).toEqual({ security: [], tag: [] });
    expect(libraryToFhirLabels).toBe(toFhirLabels);
  });

  it('an error is NOPAT, pending, and a tag naming the error', () => {
    const l = toFhirLabels({ verdict: 'review', findings: [], error: 'corrupt or unreadable PDF' });
    expect(l.security.map((c) => c.code)).toEqual(['NOPAT']);
    expect(l.tag.map((c) => [c.system, c.code])).toEqual([
      ['urn:safeguard-scan:review', 'pending'],
      ['urn:safeguard-scan:error', 'unreadable'],
    ]);
  });

  it('adds labels, keeping every label the resource had and adding none twice', () => {
    const res = { resourceType: 'DocumentReference', meta: { versionId: '3', security: [{ system: ACT_CODE_SYSTEM, code: 'NOPAT' }, { system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }], tag: [{ system: 'urn:x', code: 'y' }] } };
    applyLabels(res, toFhirLabels(scanner.scan('HIV positive, on antiretrovirals.')));
    expect(res.meta.versionId).toBe('3');
    expect(res.meta.security.map((c) => c.code)).toEqual(['NOPAT', 'R', 'HIV']);
    expect(res.meta.tag.map((c) => c.code)).toEqual(['y', 'pending']);
  });
});

describe('suggestedCodes', () => {
  it('suggests SNOMED CT 1364731000000104 where safeguarding or harm counts, with the reason, and never text', () => {
    const r = scanner.scan('Disclosed that partner hit her last week. MARAC referral made. Do not disclose to partner.');
    expect(r.suggestedCodes).toEqual([{ ...ENHANCED_REVIEW_CODE, reason: expect.stringMatching(/^Found safeguarding \(.*marac.*\) and harm \(do-not-disclose\)/) }]);
    expect(r.suggestedCodes![0].code).toBe('1364731000000104');
    expect(r.suggestedCodes![0].system).toBe('http://snomed.info/sct');
    expect(r.suggestedCodes![0].reason).not.toMatch(/partner hit/);
    expect(scanner.scan('CT shows metastatic disease. Not yet discussed with patient.').suggestedCodes?.[0].reason).toMatch(/harm \(not-yet-discussed\)/);
  });

  it('suggests nothing for routine, negated, or only sensitive or third-party content', () => {
    for (const t of ['BP 132/84. Continue amlodipine 5mg.', 'Asked re DV - denies. No safeguarding concerns.', 'Chlamydia NAAT positive. Doxycycline.', 'Lives with partner Dave and two children.'])
      expect(scanner.scan(t).suggestedCodes, t).toBeUndefined();
  });
});

describe('scan --format fhir', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('sgs-fhir-out-');
    writeFileSync(join(dir, 'routine.txt'), 'BP 132/84. Continue amlodipine 5mg.');
    writeFileSync(join(dir, 'dv.txt'), 'Disclosed that partner hit her last week. MARAC referral made.');
    writeFileSync(
      join(dir, 'bundle.json'),
      JSON.stringify({
        resourceType: 'Bundle',
        type: 'searchset',
        entry: [
          { fullUrl: 'urn:uuid:p', resource: { resourceType: 'Patient', id: 'p', name: [{ text: 'Amy Clarke' }] } },
          { resource: { resourceType: 'DocumentReference', id: 'a', meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'N' }] }, subject: { reference: 'urn:uuid:p' }, content: [{ attachment: { contentType: 'text/plain', data: b64('HIV positive, on antiretrovirals.') } }] } },
          { resource: { resourceType: 'DocumentReference', id: 'b', subject: { reference: 'urn:uuid:p' }, content: [{ attachment: { contentType: 'text/plain', data: b64('Amy Clarke seen today, BP fine.') } }] } },
        ],
      }),
    );
  });
  afterAll(() => rmrf(dir));

  it('a Bundle in gives the Bundle out: each resource labelled, existing labels kept, the Bundle its high-water mark', async () => {
    const r = await runCliInProcess(['scan', 'bundle.json', '--format', 'fhir'], { cwd: dir });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.resourceType).toBe('Bundle');
    expect(out.type).toBe('searchset');
    const [pat, a, b] = out.entry.map((e: { resource: Record<string, unknown> }) => e.resource);
    expect(pat.meta).toBeUndefined();
    expect(a.meta.security.map((c: { code: string }) => c.code)).toEqual(['N', 'NOPAT', 'HIV']);
    expect(a.meta.tag.map((c: { code: string }) => c.code)).toEqual(['pending']);
    expect(b.meta).toBeUndefined();
    expect(out.meta.security.map((c: { code: string }) => c.code)).toEqual(['NOPAT', 'HIV']);
    // Everything else is as it came in.
    expect(a.content).toEqual([{ attachment: { contentType: 'text/plain', data: b64('HIV positive, on antiretrovirals.') } }]);
  });

  it('documents that are not FHIR are DocumentReferences in a collection Bundle, without content unless --include-text', async () => {
    const r = await runCliInProcess(['scan', 'routine.txt', 'dv.txt', '-o', 'out.fhir.json'], { cwd: dir });
    expect(r.code).toBe(1);
    const out = JSON.parse(readFileSync(join(dir, 'out.fhir.json'), 'utf8'));
    expect(out).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    const docs = out.entry.map((e: { resource: Record<string, unknown> }) => e.resource);
    expect(docs.map((d: { identifier: { value: string }[] }) => d.identifier[0].value)).toEqual(['dv.txt', 'routine.txt']);
    expect(docs[0].meta.security.map((c: { code: string }) => c.code)).toEqual(['NOPAT', 'SDV']);
    expect(docs[1].meta).toBeUndefined();
    expect(JSON.stringify(out)).not.toContain(b64('Disclosed'));
    expect(out.meta.security.map((c: { code: string }) => c.code)).toEqual(['NOPAT']);
    const t = await runCliInProcess(['scan', 'dv.txt', '--format', 'fhir', '--include-text'], { cwd: dir });
    const withText = JSON.parse(t.stdout).entry[0].resource;
    expect(Buffer.from(withText.content[0].attachment.data, 'base64').toString()).toBe('Disclosed that partner hit her last week. MARAC referral made.');
  });

  it('the jsonl rows of a FHIR file carry the suggested code and the patient from the Bundle', async () => {
    const rows: { record?: string; suggestedCodes?: unknown[]; verdict: string }[] = [];
    for await (const d of scanFiles(['bundle.json', 'dv.txt'], { cwd: dir, concurrency: 1 })) rows.push(d);
    expect(rows.map((r) => [r.record, r.verdict, r.suggestedCodes?.length ?? 0])).toEqual([
      ['DocumentReference/a', 'review', 0],
      ['DocumentReference/b', 'visible', 0],
      [undefined, 'withhold', 1],
    ]);
  });
});
