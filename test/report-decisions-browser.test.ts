/**
 * Recording decisions in the html report, in real headless Chromium (as report-browser.test.ts):
 * by keyboard and by mouse, kept over a reload (localStorage), exported as decisions.jsonl with
 * exactly the contract's fields and no record text. In CI a missing Chromium fails the run.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecisionSchema } from '../src/model/index.js';
import { renderHtmlReport, type ReportDocument } from '../src/report/html.js';
import { sampleBacklog } from './fixtures/documents.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env.CI === 'true') throw new Error(`report-decisions-browser.test: ${CHROMIUM} not found; in CI the browser test must run`);

describe('recording decisions in the html report (Chromium)', () => {
  let browser: Browser | undefined;
  let context: BrowserContext;
  let page: Page;
  let dir: string;
  let docs: ReportDocument[];
  const problems: string[] = [];

  beforeAll(async () => {
    if (!hasChromium) return;
    dir = mkdtempSync(join(tmpdir(), 'sgs-decide-'));
    docs = sampleBacklog().map((d, i) => ({ ...d, sha256: String(i).padStart(2, '0').repeat(32) }));
    // One document was decided before (scan --decisions): it is out of the queue, its decision shown.
    const discharge = docs.find((d) => d.path.includes('discharge'))!;
    discharge.decision = 'withhold';
    discharge.decided = {
      state: 'decided',
      decision: { path: discharge.path, sha256: discharge.sha256, verdictShown: discharge.verdict, decision: 'withhold', decidedAt: '2025-01-10T08:00:00Z', note: 'earlier note' },
    };
    const file = join(dir, 'report.html');
    writeFileSync(file, renderHtmlReport(docs, { title: 'Decisions', generatedAt: '2025-01-15 09:30' }));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
    context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1200, height: 1000 } });
    page = await context.newPage();
    page.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('blob:')) problems.push(`request: ${r.url()}`);
    });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.goto(pathToFileURL(file).href);
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const article = (label: string) => page.locator('article.doc', { has: page.locator('h3', { hasText: label }) });
  const state = (label: string) => article(label).locator('.decided-state').textContent();
  const checked = async (label: string) => {
    const on = article(label).locator('fieldset.decide input[type=radio]:checked');
    return (await on.count()) ? on.getAttribute('value') : null;
  };
  const focused = () => page.evaluate('document.activeElement && (document.activeElement.value || document.activeElement.name)');
  const exportLines = async () => {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#export-decisions')]);
    expect(dl.suggestedFilename()).toBe('decisions.jsonl');
    const p = join(dir, `export-${Date.now()}.jsonl`);
    await dl.saveAs(p);
    return readFileSync(p, 'utf8');
  };

  it.skipIf(!hasChromium)('starts with the recorded decision out of the queue and the others undecided', async () => {
    expect(await page.locator('#decided-status').textContent()).toBe('1 of 4 decided; 3 left in the review queue');
    expect(await state('discharge-')).toMatch(/^Decided: Withhold \(2025-01-10 08:00 UTC\)$/);
    expect(await checked('discharge-')).toBe('withhold');
    expect(await article('discharge-').locator('input[name=note]').inputValue()).toBe('earlier note');
    expect(await state('clinic-letter-0142')).toBe('Not decided');
    // the decided document comes after the queue, under its own heading
    const order = await page.locator('main article.doc h3').allTextContents();
    expect(order.at(-1)).toContain('discharge-');
    expect(problems).toEqual([]);
  });

  it.skipIf(!hasChromium)('decides by keyboard: n to the next undecided, Space and arrows on the buttons, a note by Tab', async () => {
    await page.locator('h1').click();
    await page.keyboard.press('n');
    expect(await focused()).toBe('show');
    expect(await page.evaluate("document.activeElement.closest('article').querySelector('h3').textContent")).toContain('clinic-letter-0142');
    await page.keyboard.press('Space');
    expect(await checked('clinic-letter-0142')).toBe('show');
    await page.keyboard.press('ArrowRight');
    expect(await checked('clinic-letter-0142')).toBe('withhold');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('note');
    await page.keyboard.type('discussed with safeguarding lead');
    await page.keyboard.press('Tab');
    expect(await state('clinic-letter-0142')).toMatch(/^Decided: Withhold \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\)$/);
    expect(await page.locator('#decided-status').textContent()).toBe('2 of 4 decided; 2 left in the review queue');
    // n again skips the decided documents
    await page.keyboard.press('n');
    expect(await page.evaluate("document.activeElement.closest('article').querySelector('h3').textContent")).toContain('C-2041');
  });

  it.skipIf(!hasChromium)('decides by mouse', async () => {
    await article('C-2041').locator('label', { hasText: 'Redact and show' }).click();
    expect(await checked('C-2041')).toBe('redact-and-show');
    expect(await page.locator('#decided-status').textContent()).toBe('3 of 4 decided; 1 left in the review queue');
  });

  it.skipIf(!hasChromium)('keeps every decision over a reload', async () => {
    await page.reload();
    expect(await checked('clinic-letter-0142')).toBe('withhold');
    expect(await article('clinic-letter-0142').locator('input[name=note]').inputValue()).toBe('discussed with safeguarding lead');
    expect(await checked('C-2041')).toBe('redact-and-show');
    expect(await checked('discharge-')).toBe('withhold');
    expect(await page.locator('#decided-status').textContent()).toBe('3 of 4 decided; 1 left in the review queue');
  });

  it.skipIf(!hasChromium)("exports decisions.jsonl with exactly the contract's fields and none of the documents' text", async () => {
    const text = await exportLines();
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(DecisionSchema.parse(l)).toEqual(l);
    const letter = lines.find((l) => String(l.path).includes('clinic-letter-0142'))!;
    expect(Object.keys(letter)).toEqual(['path', 'sha256', 'verdictShown', 'decision', 'decidedAt', 'note']);
    expect(letter).toMatchObject({ path: 'letters/2023/clinic-letter-0142.txt', sha256: docs[0].sha256, verdictShown: 'withhold', decision: 'withhold', note: 'discussed with safeguarding lead' });
    const csv = lines.find((l) => l.record === 'C-2041')!;
    expect(Object.keys(csv)).toEqual(['path', 'record', 'sha256', 'verdictShown', 'decision', 'decidedAt']);
    expect(csv).toMatchObject({ path: 'entries/consultations.csv', verdictShown: 'review', decision: 'redact-and-show' });
    expect(lines.find((l) => String(l.path).includes('discharge'))).toMatchObject({ decision: 'withhold', decidedAt: '2025-01-10T08:00:00Z', note: 'earlier note' });
    for (const d of docs) for (const piece of (d.text ?? "").split(/[.\n]/).map((s) => s.trim()).filter((s) => s.length > 12)) expect(text).not.toContain(piece);
  });

  it.skipIf(!hasChromium)('clears a decision: undecided again, after a reload too, and left out of the export', async () => {
    await article('C-2041').locator('button.clear').click();
    expect(await state('C-2041')).toBe('Not decided');
    await page.reload();
    expect(await checked('C-2041')).toBeNull();
    expect(await page.locator('#decided-status').textContent()).toBe('2 of 4 decided; 2 left in the review queue');
    const text = await exportLines();
    expect(text).not.toContain('C-2041');
    expect(text.trim().split('\n')).toHaveLength(2);
    expect(problems).toEqual([]);
  });
});
