import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../bench/corpus.js';
import { createScanner } from '../src/index.js';
import { analyse, match, runRules, score } from '../src/scanner/pipeline.js';
import { planWindows, scanInWindows, WINDOWED_ABOVE } from '../src/scanner/windows.js';

const scanner = createScanner();
const deps = { compiled: scanner.compiled, registry: scanner.registry, thresholds: scanner.thresholds, includeText: false, context: {} };
const key = (f: object) => JSON.stringify(f);

/** The whole-document scan's findings, as the scanner makes them for a short text. */
function whole(text: string): string[] {
  const input = match(analyse(text, scanner.compiled), scanner.compiled, {});
  return score(input, runRules(scanner.registry, input, []), scanner.thresholds, undefined).map((s) => key(s.finding)).sort();
}

// Every corpus and labelled text, joined into long documents (blank lines or single line ends between them).
const texts = [...loadCorpus(), ...readFileSync(new URL('../../shared/eval/dev.jsonl', import.meta.url), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { text: string }).text)];
const docs: string[] = [];
for (let i = 0; i < texts.length; i += 60) docs.push(texts.slice(i, i + 60).join(i % 120 ? '\n\n' : '\n'));

describe('a long document scanned in windows', () => {
  it('plans windows that tile the text, each read with text around it', () => {
    const text = docs[0];
    const ws = planWindows(text, 3000, 600);
    expect(ws[0].own).toBe(0);
    expect(ws[ws.length - 1].ownEnd).toBe(text.length);
    for (let k = 1; k < ws.length; k++) expect(ws[k].own).toBe(ws[k - 1].ownEnd);
    for (const w of ws) expect(w.read <= w.own && w.readEnd >= w.ownEnd).toBe(true);
    expect(ws.length).toBeGreaterThan(5);
  });
  it('finds exactly what a whole-document scan finds, with windows far smaller than the default', () => {
    let findings = 0;
    // A sixth of them here (npm run test:slow: all of them, see test/slow/windows-all.test.ts).
    for (const text of process.env.WINDOWS_ALL ? docs : docs.filter((_, i) => i % 6 === 0)) {
      const w = scanInWindows(text, deps, planWindows(text, 3000, 600)).scored.map((s) => key(s.finding)).sort();
      const all = whole(text);
      expect(w).toEqual(all);
      findings += all.length;
    }
    expect(findings).toBeGreaterThan(150);
  }, 60_000);
  it('is how the scanner reads a text longer than the threshold', () => {
    let text = '';
    for (let i = 0; text.length <= WINDOWED_ABOVE; i++) text += texts[i % texts.length] + '\n\n';
    const r = scanner.scan(text);
    expect(r.error).toBeUndefined();
    expect(r.findings.map(key).sort()).toEqual(
      scanInWindows(text, deps, [{ own: 0, ownEnd: text.length, read: 0, readEnd: text.length }])
        .scored.map((s) => s.finding)
        .map(key)
        .sort(),
    );
  }, 60_000);
});
