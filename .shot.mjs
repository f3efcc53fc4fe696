import { chromium } from 'playwright-core';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--headless','--disable-gpu'] });
const p = await b.newPage({ viewport: { width: 1200, height: 900 } });
await p.goto('file:///tmp/report.html');
await p.locator('details.findings').first().evaluate((el) => { el.open = true; });
await p.locator('article').nth(1).scrollIntoViewIfNeeded();
await p.evaluate('window.scrollTo(0, document.body.scrollHeight)');
await p.screenshot({ path: '/tmp/shot2.png' });
await b.close();
