/**
 * Opens the html report in real headless Chromium (Debian's `chromium`, installed by .ci/run)
 * and checks what a clinician does with it: highlights by category, details on hover and on
 * keyboard focus, filters that hide documents. Takes a screenshot into a temporary folder;
 * `UPDATE_SCREENSHOT=1 npx vitest run test/report-browser.test.ts` also writes it to
 * docs/report-screenshot.png for the README (a tracked file is never rewritten by a plain run).
 * In CI (`CI=true`) a missing Chromium fails the run instead of skipping the test.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../src/report/html.js';
import { sampleBacklog } from './fixtures/documents.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env.CI === 'true') throw new Error(`report-browser.test: ${CHROMIUM} not found; in CI the browser test must run (.ci/run installs Debian's chromium)`);
if (!hasChromium) console.warn(`report-browser.test: ${CHROMIUM} not found, so the browser test is skipped (apt-get install chromium).`);

const README_SCREENSHOT = resolve(__dirname, '../docs/report-screenshot.png');

describe('html report in Chromium', () => {
  let browser: Browser | undefined;
  let page: Page;
  let dir: string;
  const problems: string[] = [];

  beforeAll(async () => {
    if (!hasChromium) return;
    dir = mkdtempSync(join(tmpdir(), 'sgs-report-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, renderHtmlReport(sampleBacklog(), { title: 'Backlog review: Invented Road Surgery', generatedAt: '2025-01-15 09:30' }));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1200, height: 1320 }, deviceScaleFactor: 1 });
    // A self-contained report makes no requests but its own file, and the CSP blocks nothing.
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) problems.push(`request: ${r.url()}`);
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

  const status = () => page.locator('#status').textContent();
  const article = (label: string) => page.locator('article.doc', { has: page.locator('h3', { hasText: label }) });

  it.skipIf(!hasChromium)('shows the highlights of each category', async () => {
    const letter = article('clinic-letter-0142');
    const marks = letter.locator('pre.text mark.hl');
    expect(await marks.count()).toBe(7);
    expect(await letter.locator('mark.c-safeguarding', { hasText: 'domestic abuse' }).getAttribute('data-tag')).toBe('SG');
    expect(await letter.locator('mark.c-thirdParty', { hasText: 'Jo Sample' }).count()).toBe(1);
    expect(await letter.locator('mark.c-harm', { hasText: 'do not disclose' }).count()).toBe(1);
    expect(await article('C-2041').locator('mark.c-sensitive', { hasText: 'HIV' }).count()).toBe(1);
    // the tag is drawn, not only coloured
    const tag = await letter.locator('mark.c-safeguarding', { hasText: 'MARAC' }).evaluate(
      // runs in the page; the test's tsconfig has no DOM types
      (el) => (globalThis as unknown as { getComputedStyle(e: unknown, p: string): { content: string } }).getComputedStyle(el, '::after').content,
    );
    expect(tag).toBe('"SG"');
    // a <script> in a document is shown as text and never runs
    expect(await article('discharge-').locator('pre.text').textContent()).toContain('<script>alert("x")</script>');
    expect(problems).toEqual([]);
  });

  it.skipIf(!hasChromium)('shows a finding\'s type, context and rule on keyboard focus and on hover', async () => {
    const tip = page.locator('#tip');
    expect(await tip.isHidden()).toBe(true);
    const abuse = article('clinic-letter-0142').locator('mark.hl', { hasText: 'domestic abuse' });
    await abuse.focus();
    expect(await tip.isVisible()).toBe(true);
    expect(await tip.textContent()).toBe('Safeguarding · domestic abuse · affirmed · score 0.90 · rule safeguarding/domestic-abuse');
    expect(await abuse.getAttribute('aria-describedby')).toBe('tip');
    // Tab moves to the next highlight and the details follow it
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('partner');
    expect(await tip.textContent()).toContain('rule third-party/relationship');
    await page.keyboard.press('Escape');
    expect(await tip.isHidden()).toBe(true);
    await article('C-2041').locator('mark.hl', { hasText: 'HIV' }).hover();
    expect(await tip.textContent()).toBe('Sensitive · hiv · affirmed · score 0.55 · rule sensitive/hiv');
    await page.mouse.move(5, 5);
    expect(await tip.isHidden()).toBe(true);
  });

  it.skipIf(!hasChromium)('hides documents when a verdict or category filter is unticked', async () => {
    expect(await status()).toBe('Showing 6 of 6 documents');
    const verdict = (v: string) => page.locator(`input[name=verdict][value=${v}]`);
    const category = (c: string) => page.locator(`input[name=category][value=${c}]`);

    await verdict('withhold').uncheck();
    expect(await article('clinic-letter-0142').isHidden()).toBe(true);
    expect(await article('C-2041').isVisible()).toBe(true);
    expect(await status()).toBe('Showing 5 of 6 documents');
    await verdict('withhold').check();
    expect(await article('clinic-letter-0142').isVisible()).toBe(true);

    const row = page.locator('.row[data-verdict=visible]').first();
    await row.scrollIntoViewIfNeeded();
    expect(await row.isVisible()).toBe(true);
    await verdict('visible').uncheck();
    expect(await row.isHidden()).toBe(true);
    expect(await status()).toBe('Showing 4 of 6 documents');
    await verdict('visible').check();

    // sensitive only: hidden; sensitive and third party: still shown while third party is ticked
    await category('sensitive').uncheck();
    expect(await article('discharge-').isHidden()).toBe(true);
    expect(await article('C-2041').isVisible()).toBe(true);
    await category('thirdParty').uncheck();
    expect(await article('C-2041').isHidden()).toBe(true);
    // documents with no counted findings (the unreadable scan) have their own box
    await category('none').uncheck();
    expect(await article('scan-0007').isHidden()).toBe(true);
    expect(await status()).toBe('Showing 1 of 6 documents');
    for (const c of ['sensitive', 'thirdParty', 'none']) await category(c).check();
    expect(await status()).toBe('Showing 6 of 6 documents');
    expect(problems).toEqual([]);
  });

  it.skipIf(!hasChromium)('takes a screenshot (for the README, on request)', async () => {
    await article('clinic-letter-0142').locator('mark.hl', { hasText: 'domestic abuse' }).focus();
    await page.evaluate('window.scrollTo(0, 0)');
    const shot = join(dir, 'report.png');
    await page.screenshot({ path: shot });
    const png = readFileSync(shot);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.length).toBeGreaterThan(20_000); // a page with content, not a blank one
    if (process.env.UPDATE_SCREENSHOT) copyFileSync(shot, README_SCREENSHOT);
  });
});
