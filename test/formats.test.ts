import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import type * as Sarif from 'sarif';
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, formatCsv } from '../src/report/csv.js';
import { renderHtmlReport } from '../src/report/html.js';
import { LineIndex } from '../src/report/lines.js';
import { artifactUri, formatSarif, UNREADABLE_RULE_ID } from '../src/report/sarif.js';
import { makeDoc, sampleBacklog } from './fixtures/documents.js';

const sarifOpts = { toolVersion: '0.1.0', lexiconVersion: 'lex-test-1' };

describe('csv', () => {
  it('writes a header and one row per document, quoted so that it parses back', () => {
    const docs = sampleBacklog();
    const out = formatCsv(docs);
    const rows = parse(out, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0])).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(docs.length);
    const first = rows[0];
    expect(first.path).toBe('letters/2023/clinic-letter-0142.txt');
    expect(first.verdict).toBe('withhold');
    expect(first.safeguarding_count).toBe('2');
    expect(first.findings).toBe('7');
    // top three reasons, in one cell, commas and all
    expect(first.reasons.split(' | ')).toHaveLength(3);
    expect(rows[1].record).toBe('C-2041');
    expect(rows[3].error).toBe('PDF has no text layer (scanned image?)');
    expect(out.endsWith('\r\n')).toBe(true);
  });

  it('quotes commas, quotes and line breaks', () => {
    const d = makeDoc({ path: 'a, "b"\nc.txt', text: 'x', verdict: 'visible', reasons: ['Reason with "quotes", commas'] });
    const line = formatCsv([d]).split('\r\n')[1];
    expect(line.startsWith('"a, ""b""\nc.txt",')).toBe(true);
    expect(line).toContain('"Reason with ""quotes"", commas"');
  });

  it('defuses cells a spreadsheet would run as formulas', () => {
    const d = makeDoc({ path: '=HYPERLINK("http://example.invalid","x").txt', record: '+1', text: 'x', verdict: 'review', reasons: ['-2+3', '@SUM(A1)'], error: '=cmd' });
    const [row] = parse(formatCsv([d]), { columns: true }) as Record<string, string>[];
    expect(row.path).toBe('\'=HYPERLINK("http://example.invalid","x").txt');
    expect(row.record).toBe("'+1");
    expect(row.reasons).toBe("'-2+3 | @SUM(A1)");
    expect(row.error).toBe("'=cmd");
    for (const cell of Object.values(row)) expect(cell).not.toMatch(/^[=+\-@]/);
  });
});

describe('line index', () => {
  it('counts CR LF, LF and CR as line ends and columns in UTF-16 code units', () => {
    const text = 'ab\r\ncd\nef\rg\u{1F600}h';
    const li = new LineIndex(text);
    expect(li.position(0)).toEqual({ line: 1, column: 1 });
    expect(li.position(4)).toEqual({ line: 2, column: 1 });
    expect(li.position(7)).toEqual({ line: 3, column: 1 });
    expect(li.position(text.indexOf('h'))).toEqual({ line: 4, column: 4 });
    // a region that ends with its line's terminator ends on that line
    expect(li.region(0, 3)).toEqual({ startLine: 1, startColumn: 1, endLine: 1, endColumn: 4 });
  });
});

describe('sarif', () => {
  const text = 'Seen today.\r\n\u{1F600} Patient disclosed domestic abuse\r\nfrom partner. No self-harm.\r\nEnd';
  const doc = makeDoc({
    path: 'letters/a b#1.txt',
    text,
    verdict: 'withhold',
    encoding: 'windows-1252',
    findings: [
      { find: 'domestic abuse', category: 'safeguarding', type: 'domestic-abuse', ruleId: 'safeguarding/domestic-abuse', score: 0.9 },
      { find: 'abuse\r\nfrom partner', category: 'thirdParty', type: 'relationship', ruleId: 'third-party/relationship', score: 0.4 },
      { find: 'self-harm', category: 'sensitive', type: 'self-harm', ruleId: 'sensitive/self-harm', score: 0, modifiers: { negated: true } },
    ],
  });
  const unreadable = makeDoc({ path: '/abs/base/scans/s.pdf', text: '', verdict: 'review', error: 'PDF has no text layer (scanned image?)' });
  const log = JSON.parse(formatSarif([doc, unreadable], { ...sarifOpts, baseDir: '/abs/base' })) as Sarif.Log;
  const run = log.runs[0];

  it('is a SARIF 2.1.0 log with UTF-16 columns', () => {
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    expect(run.columnKind).toBe('utf16CodeUnits');
    expect(run.tool.driver.name).toBe('safeguard-scan');
    expect(run.tool.driver.version).toBe('0.1.0');
    expect(run.properties?.lexiconVersion).toBe('lex-test-1');
  });

  it('has one rule per lexicon entry or detector, with category and type', () => {
    const rules = run.tool.driver.rules!;
    expect(rules.map((r) => r.id)).toEqual(['safeguarding/domestic-abuse', 'third-party/relationship', 'sensitive/self-harm', UNREADABLE_RULE_ID]);
    expect(rules[0].properties).toMatchObject({ category: 'safeguarding', type: 'domestic-abuse' });
    for (const r of run.results!) expect(rules[r.ruleIndex!].id).toBe(r.ruleId);
  });

  it('levels results by what each finding earns: error, warning, note', () => {
    const level = Object.fromEntries(run.results!.map((r) => [r.ruleId, r.level]));
    expect(level).toEqual({
      'safeguarding/domestic-abuse': 'error',
      'third-party/relationship': 'warning',
      'sensitive/self-harm': 'note',
      [UNREADABLE_RULE_ID]: 'warning',
    });
  });

  it('gives regions in UTF-16 offsets and line/column, past CRLF and an emoji', () => {
    const [da, rel] = run.results!;
    const start = text.indexOf('domestic abuse');
    expect(da.locations![0].physicalLocation!.region).toEqual({
      charOffset: start,
      charLength: 14,
      startLine: 2,
      startColumn: start - text.indexOf('\u{1F600}') + 1, // the emoji is two code units
      endLine: 2,
      endColumn: start - text.indexOf('\u{1F600}') + 15,
    });
    expect(da.locations![0].physicalLocation!.region!.startColumn).toBe(22);
    expect(text.slice(start, start + 14)).toBe('domestic abuse');
    // a finding across a CRLF ends on the next line
    expect(rel.locations![0].physicalLocation!.region).toMatchObject({ startLine: 2, startColumn: 31, endLine: 3, endColumn: 13 });
  });

  it('never puts record text in messages', () => {
    for (const r of run.results!) {
      expect(r.message.text).not.toMatch(/Patient disclosed|partner\.|Seen today/);
      expect(JSON.stringify(r)).not.toContain('disclosed');
    }
    expect(run.results![0].message.text).toBe('Safeguarding finding (domestic abuse), affirmed: withhold on its own; document verdict withhold.');
  });

  it('names artifacts by relative, encoded URI and reports unreadable documents', () => {
    expect(run.artifacts!.map((a) => a.location!.uri)).toEqual(['letters/a%20b%231.txt', 'scans/s.pdf']);
    expect(run.artifacts![0].encoding).toBe('windows-1252');
    const last = run.results!.at(-1)!;
    expect(last.ruleId).toBe(UNREADABLE_RULE_ID);
    expect(last.message.text).toBe('The document could not be read: PDF has no text layer (scanned image?).');
    expect(run.invocations![0].executionSuccessful).toBe(false);
    expect(run.invocations![0].toolExecutionNotifications![0].message.text).toBe('scans/s.pdf: PDF has no text layer (scanned image?)');
    expect(artifactUri('letters\\sub\\x y?.txt')).toBe('letters/sub/x%20y%3F.txt');
    expect(artifactUri('/abs/base/a.txt', '/abs/base')).toBe('a.txt');
  });

  it('gives only offsets when the text is not supplied, and names records', () => {
    const { text: _t, ...noText } = makeDoc({
      path: 'records.csv',
      record: 'R7',
      text: 'Wife aware.',
      verdict: 'review',
      findings: [{ find: 'Wife', category: 'thirdParty', type: 'relationship', ruleId: 'third-party/relationship', score: 0.4 }],
    });
    const r = (JSON.parse(formatSarif([noText], sarifOpts)) as Sarif.Log).runs[0].results![0];
    expect(r.locations![0].physicalLocation!.region).toEqual({ charOffset: 0, charLength: 4 });
    expect(r.locations![0].logicalLocations![0]).toMatchObject({ name: 'R7', fullyQualifiedName: 'records.csv#R7' });
  });

  it('is valid JSON for an empty run', () => {
    const empty = JSON.parse(formatSarif([], sarifOpts)) as Sarif.Log;
    expect(empty.runs[0].results).toEqual([]);
    expect(empty.runs[0].invocations![0].executionSuccessful).toBe(true);
  });
});

describe('html report', () => {
  const docs = sampleBacklog();
  const html = renderHtmlReport(docs, { title: 'Test <report>', generatedAt: '2025-01-15T09:30:00Z' });

  it('escapes document text and names: a <script> in a document is inert', () => {
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('letters/2024/discharge-&lt;script&gt;.html');
    expect(html).not.toContain('<script>alert');
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain('<title>Test &lt;report&gt;</title>');
  });

  it('is self-contained: no external scripts, styles, fonts, images or links', () => {
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/\bsrc\s*=/i);
    expect(html).not.toMatch(/\bhref\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
  });

  it('allows exactly its own inline style and script by hash', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1];
    const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1];
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1];
    expect(csp).toContain(`script-src ${hash(script)}`);
    expect(csp).toContain(`style-src ${hash(style)}`);
    expect(csp).toContain("default-src 'none'");
  });

  it('lists documents riskiest first, text for review and above, summary rows for visible ones', () => {
    const order = [...html.matchAll(/<article class="doc v-(\w+)"/g)].map((m) => m[1]);
    expect(order).toEqual(['withhold', 'review', 'review', 'review']);
    expect(html.indexOf('C-2041')).toBeLessThan(html.indexOf('discharge-'));
    expect(html).not.toContain('Inhaler technique'); // a visible document's text
    expect(html).toContain('entries/consultations.csv#C-2040'); // ... but its summary row
    expect([...html.matchAll(/<div class="row" role="row" data-verdict="visible"/g)]).toHaveLength(2);
    const all = renderHtmlReport(docs, { includeAllText: true });
    expect(all).toContain('Inhaler technique');
  });

  it('highlights findings by category with a tag, tooltip text and keyboard focus', () => {
    const mark = /<mark class="hl c-safeguarding" tabindex="0" data-cats="safeguarding" data-tip="([^"]*)" data-tag="SG" aria-describedby="tip">domestic abuse<\/mark>/.exec(html);
    expect(mark).not.toBeNull();
    expect(mark![1]).toBe('Safeguarding \u00b7 domestic abuse \u00b7 affirmed \u00b7 score 0.90 \u00b7 rule safeguarding/domestic-abuse');
    expect(html).toMatch(/<mark class="hl c-safeguarding weak"[^>]*>concerns about the children<\/mark>/);
    expect(html).toContain('<div id="tip" role="tooltip" hidden></div>');
  });

  it('cuts overlapping findings into pieces marked with every finding that covers them', () => {
    const d = makeDoc({
      path: 'o.txt',
      text: 'Abuse by her partner John today.',
      verdict: 'withhold',
      findings: [
        { find: 'Abuse by her partner', category: 'safeguarding', type: 'domestic-abuse', ruleId: 'sg/da', score: 0.9 },
        { find: 'partner John', category: 'thirdParty', type: 'relationship', ruleId: 'tp/rel', score: 0.3 },
      ],
    });
    const out = renderHtmlReport([d], {});
    const marks = [...out.matchAll(/<mark class="([^"]+)"[^>]*data-tip="([^"]*)"(?: data-tag="([^"]*)")?[^>]*>([^<]*)<\/mark>/g)].map((m) => ({
      cls: m[1],
      tips: m[2].split('\n').length,
      tag: m[3],
      text: m[4],
    }));
    expect(marks).toEqual([
      { cls: 'hl c-safeguarding', tips: 1, tag: undefined, text: 'Abuse by her ' },
      { cls: 'hl c-safeguarding multi', tips: 2, tag: 'SG+TP', text: 'partner' },
      { cls: 'hl c-thirdParty', tips: 1, tag: 'TP', text: ' John' },
    ]);
  });

  it('has totals, a chart and filters for every verdict and category', () => {
    expect(html).toContain('Summary of 6 documents');
    expect(html).toMatch(/<svg class="chart"[^>]*aria-label="Documents by verdict: Withhold: 1, Review: 3, Visible: 2"/);
    for (const v of ['withhold', 'review', 'visible']) expect(html).toContain(`name="verdict" value="${v}" checked`);
    for (const c of ['thirdParty', 'safeguarding', 'sensitive', 'harm', 'none']) expect(html).toContain(`name="category" value="${c}" checked`);
  });

  it('renders an empty run', () => {
    const empty = renderHtmlReport([], { generatedAt: 'now' });
    expect(empty).toContain('Summary of 0 documents');
    expect(empty.trim().endsWith('</html>')).toBe(true);
  });
});
