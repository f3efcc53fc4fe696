import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createScanner, loadLexicons } from '../src/index.js';
import { loadPolicyExamples } from '../src/authoring/policy.js';
import { readDocxContent } from '../src/batch/readers/docx.js';
import { htmlContent } from '../src/batch/readers/html.js';
import { ooxmlText } from '../src/batch/readers/ooxml.js';
import { readerFor } from '../src/batch/readers/index.js';
import { rtfContent } from '../src/batch/readers/rtf.js';
import { makeDocxParts } from './fixtures/scans.js';
import { DISGUISES } from './support/disguises.js';

const scanner = createScanner();
const RUNS = Number(process.env.FC_RUNS ?? 60);

const DV = 'Disclosed that partner hit her. MARAC referral made.';

describe('"Disclosed that partner hit her. MARAC referral made." in disguise is still withhold', () => {
  it.each(DISGUISES)('%s', (_name, disguise) => {
    const text = disguise(DV);
    expect(text).not.toBe(DV);
    const r = scanner.scan(text);
    expect(r.verdict).toBe('withhold');
    expect(r.findings.map((f) => f.type)).toEqual(expect.arrayContaining(['domestic-abuse', 'marac']));
    // Spans point into the text as given.
    for (const f of r.findings) expect(f.end).toBeLessThanOrEqual(text.length);
  });
  it.each([
    ['a hyphen at a line break', 'Disclosed that partner hit her. Referred to MA-\nRAC today.', 'MA-\nRAC'],
    ['a hyphen at a line break, with spaces', 'Partner hit her. Known to MA- \n  RAC.', 'MA- \n  RAC'],
    ['a hyphen at a CRLF line break', 'Disclosed domestic abu-\r\nse from partner.', 'abu-\r\nse'],
  ])('%s: found, and the span covers the word as written', (_n, text, written) => {
    const r = scanner.scan(text);
    expect(r.verdict).toBe('withhold');
    const at = text.indexOf(written);
    expect(r.findings.some((f) => f.start <= at && f.end >= at + written.length)).toBe(true);
  });
  it('leaves words that are not disguised alone: compounds, initials and contractions', () => {
    for (const text of ['Blood-\nletting in clinic.', 'Seen by J R T in clinic.', "She's well, doesn't smoke.", 'Plan: a b c as before.'])
      expect(scanner.analyse(text).norm.text).toBe(text.replace(/\r\n/g, '\n'));
  });
});

describe('text hidden from view in HTML, RTF and Word', () => {
  const html = [
    ['display:none inside a word', '<p>Disclosed that partner hit her. MA<span style="display:none">xyz</span>RAC referral made.</p>', 'xyz'],
    ['font-size:0 inside a word', '<p>Disclosed that partner hit her. MA<span style="font-size:0px">qq</span>RAC referral made.</p>', 'qq'],
    ['visibility:hidden inside a word', "<p>Disclosed that partner hit her. MA<b style='color:red; visibility : hidden'>zz</b>RAC referral made.</p>", 'zz'],
    ['the hidden attribute inside a word', '<p>Disclosed that partner hit her. MA<i hidden>ww</i>RAC referral made.</p>', 'ww'],
    ['character references for invisible code points', '<p>Disclosed that part&#x200B;ner hit her. MA&#847;RA&#xE0041;C referral made.</p>', ''],
  ] as const;
  it.each(html)('HTML, %s: the visible text reads whole, the hidden text apart', (_n, src, hidden) => {
    const c = htmlContent(src);
    expect(scanner.scan(c.text).verdict).toBe('withhold');
    expect(c.text.replace(/[\u034F\u200B\u{E0041}]/gu, '')).toContain('MARAC referral');
    expect(c.hidden).toBe(hidden);
  });
  it('HTML: hidden text is its own part, flagged, and scanned', async () => {
    const bytes = Buffer.from('<p>Seen today, well.</p><div style="display: none !important"><p>Disclosed that partner hit her.</p></div><p>Review in 6 weeks.</p>');
    const noHeavy = { read: async () => [] };
    const [doc] = await readerFor('x.html')!('x.html', bytes, { maxBytes: 1e6 }, noHeavy);
    expect(doc.text.startsWith('Seen today, well.\n\nReview in 6 weeks.')).toBe(true);
    expect(doc.parts?.map((p) => p.name)).toEqual(['body', 'hidden text']);
    expect(doc.flags).toEqual(['hidden-text']);
    const hidden = doc.parts![1];
    expect(doc.text.slice(hidden.start, hidden.end)).toBe('Disclosed that partner hit her.');
    expect(scanner.scan(doc.text).verdict).toBe('withhold');
  });
  it('RTF: \\v inside a word', () => {
    const c = rtfContent('{\\rtf1\\ansi Disclosed that partner hit her. MA{\\v xyz}RAC referral made.\\par}');
    expect(c.text).toBe('Disclosed that partner hit her. MARAC referral made.');
    expect(c.hidden).toBe('xyz');
    const d = rtfContent('{\\rtf1\\ansi Seen.\\v Known to MARAC.\\v0  Review.\\par}');
    expect(d.text).toBe('Seen. Review.');
    expect(d.hidden).toBe('Known to MARAC.');
  });
  it('Word: a vanished run inside a word', async () => {
    const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
    const t = ooxmlText(`<w:document ${W}><w:body><w:p><w:r><w:t xml:space="preserve">Disclosed that partner hit her. MA</w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>xyz</w:t></w:r><w:r><w:t xml:space="preserve">RAC referral made.</w:t></w:r></w:p></w:body></w:document>`);
    expect(t.text).toBe(DV);
    expect(t.hiddenText).toBe('xyz');
    const content = readDocxContent(await makeDocxParts({ body: ['Reviewed.'], hidden: 'Known to MARAC.' }));
    expect(content.parts.map((p) => p.name)).toEqual(['body', 'body (hidden text)']);
    expect(content.parts[1].text).toBe('Known to MARAC.');
  });
  it('a million nested tags read in linear time', () => {
    const deep = '<b>'.repeat(1_000_000) + 'Disclosed that partner hit her.' + '</b>'.repeat(1_000_000);
    const t0 = performance.now();
    expect(htmlContent(deep).text).toBe('Disclosed that partner hit her.');
    expect(performance.now() - t0).toBeLessThan(5000); // the old parser: minutes
  });
});

// Every transformation, on what the lexicons find and on what POLICY withholds.
describe('disguises on lexicon terms and POLICY withhold examples (properties)', () => {
  const entries = loadLexicons().entries.filter((e) => e.kind === 'finding' && ['safeguarding', 'harm', 'sensitive'].includes(e.category));
  const samples = entries.flatMap((e) =>
    (e.terms ?? [])
      .map((t) => (typeof t === 'string' ? t : t.near || t.notNear ? '' : t.term))
      .filter((t) => /^[A-Za-z][A-Za-z ]{4,40}$/.test(t) && !t.includes('{'))
      .map((t) => ({ id: e.id, text: `Noted today: ${t}.` })),
  );
  const found = samples.filter((s) => scanner.scan(s.text).findings.some((f) => f.ruleId === s.id));
  it('has a sample to work on', () => {
    expect(found.length).toBeGreaterThan(500);
  });
  it.each(DISGUISES)('a lexicon term in disguise is still found by its entry: %s', (_name, disguise) => {
    fc.assert(
      fc.property(fc.constantFrom(...found), (s) => {
        const r = scanner.scan(disguise(s.text));
        expect(r.findings.map((f) => f.ruleId)).toContain(s.id);
      }),
      { numRuns: RUNS },
    );
  });
  const withhold = loadPolicyExamples().filter((e) => e.verdict === 'withhold' && !e.patient);
  it.each(DISGUISES)("POLICY's withhold examples in disguise stay withhold: %s", (_name, disguise) => {
    for (const e of withhold) expect([e.text, scanner.scan(disguise(e.text)).verdict]).toEqual([e.text, 'withhold']);
  });
});
