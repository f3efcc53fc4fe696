import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync, chmodSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanContext, ScanResult } from '../src/model/index.js';
import { ScanResultSchema } from '../src/model/index.js';
import { redact } from '../src/report/index.js';
import { createScanner } from '../src/scanner/index.js';
import { startService, type Service } from '../src/serve/server.js';
import { CLI, ensureBuilt, rmrf, ROOT, runCliInProcess, tempDir } from './batch-helpers.js';

/**
 * The service, for real on loopback: routes and status codes as DESIGN.md's contract additions
 * say, the token, the bounds, logs without record text, and the same result as the library.
 * All text is invented.
 */
const SENTINEL = 'ZQX-SENTINEL-7731 Hermione Quillfeather';
const TOKEN = 'test-token-0123456789abcdef';
const scanner = createScanner();

function capture() {
  const lines: string[] = [];
  return { sink: { write: (s: string) => lines.push(s) }, lines, text: () => lines.join('') };
}

async function post(base: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, text, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined, headers: res.headers };
}

const big = (mb: number) => {
  const line = 'Seen in clinic today. BP 128/82, pulse 72 regular. Continue amlodipine 5 mg once daily. Review in 6 months. ';
  return line.repeat(Math.ceil((mb * 1024 * 1024) / line.length));
};

describe('the service without a token (loopback)', () => {
  let svc: Service;
  const log = capture();
  const responses: string[] = [];
  beforeAll(async () => {
    svc = await startService({ port: 0, concurrency: 2, maxBodyBytes: 4 * 1024 * 1024 }, log.sink);
  }, 60_000);
  afterAll(async () => {
    await svc?.close();
  });

  it('GET /healthz and GET /openapi.json', async () => {
    const h = await (await fetch(svc.url + '/healthz')).json();
    expect(h).toMatchObject({ status: 'ok', workers: 2, lexiconVersion: scanner.lexiconVersion });
    const o = (await (await fetch(svc.url + '/openapi.json')).json()) as { openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> } }>> };
    expect(o.openapi).toBe('3.1.0');
    expect(Object.keys(o.paths).sort()).toEqual(['/fhir', '/healthz', '/openapi.json', '/redact', '/scan']);
    expect(Object.keys(o.paths['/scan'].post.requestBody!.content['application/json'].schema.properties!)).toEqual(['text', 'context']);
  });

  it('POST /scan gives the library result for the same text and context: examples/ and every dev text', async () => {
    const cases: { text: string; context: ScanContext }[] = [];
    for (const f of readdirSync(join(ROOT, 'examples')).sort()) cases.push({ text: readFileSync(join(ROOT, 'examples', f), 'utf8'), context: {} });
    for (const line of readFileSync(join(ROOT, '../shared/eval/dev.jsonl'), 'utf8').split('\n'))
      if (line.trim()) {
        const ex = JSON.parse(line) as { id: string; text: string; kind?: 'entry' | 'letter'; patient?: ScanContext['patient'] };
        cases.push({ text: ex.text, context: { ...(ex.patient ? { patient: ex.patient } : {}), ...(ex.kind ? { kind: ex.kind } : {}), id: ex.id } });
      }
    expect(cases.length).toBeGreaterThan(200);
    const verdicts = new Set<string>();
    for (let i = 0; i < cases.length; i += 8) {
      const batch = cases.slice(i, i + 8);
      const got = await Promise.all(batch.map((c) => post(svc.url, '/scan', c)));
      batch.forEach((c, k) => {
        expect(got[k].status).toBe(200);
        const r = ScanResultSchema.parse(got[k].json) as ScanResult;
        expect(r).toEqual(scanner.scan(c.text, c.context));
        verdicts.add(r.verdict);
      });
    }
    expect([...verdicts].sort()).toEqual(['review', 'visible', 'withhold']);
  }, 120_000);

  it('POST /fhir returns the resource labelled; a Bundle in gives the Bundle out', async () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      meta: { tag: [{ system: 'urn:x', code: 'kept' }] },
      entry: [{ resource: { resourceType: 'DocumentReference', id: 'd', content: [{ attachment: { contentType: 'text/plain', data: b64(`Disclosed that partner hit her. MARAC referral made. ${SENTINEL}`) } }] } }],
    };
    const res = await fetch(svc.url + '/fhir', { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify(bundle) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/fhir\+json/);
    const out = (await res.json()) as typeof bundle & { meta: { security: { code: string }[]; tag: { code: string }[] } };
    expect(out.resourceType).toBe('Bundle');
    expect(out.meta.tag.map((t) => t.code)).toEqual(['kept']);
    expect(out.meta.security.map((c) => c.code)).toEqual(['NOPAT', 'SDV']);
    const doc = out.entry[0].resource as unknown as { meta: { security: { code: string }[] }; content: unknown };
    expect(doc.meta.security.map((c) => c.code)).toEqual(['NOPAT', 'SDV']);
    expect(doc.content).toEqual(bundle.entry[0].resource.content);
  });

  it('POST /redact gives the text as the library redacts it, and refuses a bad body with its JSON Pointer', async () => {
    const text = `Lives with partner Gwen Holt. Gwen rang: ${SENTINEL} worried about his drinking. Mrs Holt to attend next time.`;
    // (The answer is the text, redacted: it holds the rest of the record by design.)
    const r = await post(svc.url, '/redact', { text, context: { patient: { name: 'Tom Okafor' } } });
    expect(r.status).toBe(200);
    const want = redact(text, scanner.scan(text, { patient: { name: 'Tom Okafor' } }), { scanner, patient: { name: 'Tom Okafor' } });
    expect(r.json).toEqual({ text: want.text, redactions: want.redactions });
    expect(String(r.json!.text)).not.toMatch(/Gwen|Holt/);
    expect(String(r.json!.text)).toContain('[third party]');
    const only = await post(svc.url, '/redact', { text: 'Disclosed that partner hit her. MARAC referral made.', categories: ['safeguarding'] });
    expect(String(only.json!.text)).toContain('[safeguarding]');
    const bad = await post(svc.url, '/redact', { text, categories: ['everything'] });
    responses.push(bad.text);
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ path: '/categories/0' });
  });

  it('400 with the JSON Pointer of the problem, in words that never quote the body', async () => {
    const cases: [string, unknown, string][] = [
      ['/scan', { text: 5, context: { id: SENTINEL } }, '/text'],
      ['/scan', { text: SENTINEL, context: { patient: { name: 7 } } }, '/context/patient/name'],
      ['/scan', { text: SENTINEL, context: { kind: SENTINEL } }, '/context/kind'],
      ['/scan', { text: SENTINEL, [SENTINEL]: 1 }, ''],
      ['/scan', { text: SENTINEL, context: { [SENTINEL]: 1 } }, '/context'],
      ['/scan', `{"text": "${SENTINEL}", `, ''],
      ['/scan', `["${SENTINEL}"]`, ''],
      ['/fhir', { resourceType: 'DocumentReference', content: [{ attachment: { url: `https://x/${SENTINEL}` } }] }, '/content/0/attachment'],
      ['/fhir', { resourceType: 'DocumentReference', content: [{ attachment: { contentType: 'text/plain', data: SENTINEL } }] }, '/content/0/attachment/data'],
      ['/fhir', { resourceType: 'Bundle', entry: [{ resource: { resourceType: 'DocumentReference', content: [] } }] }, '/entry/0/resource/content'],
      ['/fhir', { note: SENTINEL }, '/resourceType'],
      ['/fhir', { resourceType: 'Patient', name: [{ text: SENTINEL }] }, '/resourceType'],
    ];
    for (const [route, body, path] of cases) {
      const r = await post(svc.url, route, body);
      responses.push(r.text);
      expect([r.status, r.json?.path], JSON.stringify(body).slice(0, 80)).toEqual([400, path]);
      expect(typeof r.json?.error).toBe('string');
      expect(r.text).not.toContain('SENTINEL');
    }
  });

  it('413 over --max-body, 415 for a body that is not JSON, 404 for another route', async () => {
    const huge = await post(svc.url, '/scan', { text: big(5) + SENTINEL });
    expect(huge.status).toBe(413);
    const plain = await fetch(svc.url + '/scan', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: SENTINEL });
    expect(plain.status).toBe(415);
    responses.push(huge.text, await plain.text());
    expect((await fetch(svc.url + `/scan/${encodeURIComponent(SENTINEL)}?q=${encodeURIComponent(SENTINEL)}`)).status).toBe(404);
  });

  it('one large document does not stall the others: small requests are answered while it scans', async () => {
    const order: string[] = [];
    const large = post(svc.url, '/scan', { text: big(3) }).then((r) => {
      order.push('large');
      return r;
    });
    await new Promise((r) => setTimeout(r, 150));
    const smalls = await Promise.all([1, 2, 3].map(() => post(svc.url, '/scan', { text: 'BP 120/80.' }).then((r) => (order.push('small'), r))));
    expect((await large).status).toBe(200);
    for (const s of smalls) expect(s.status).toBe(200);
    expect(order.indexOf('large')).toBe(3);
  }, 60_000);

  it('logs one JSON line per request (id, route, status, time) and never record text', () => {
    const lines = log.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const requests = lines.filter((l) => l.reqId);
    expect(requests.length).toBeGreaterThan(200);
    for (const l of requests) {
      expect(typeof l.reqId).toBe('string');
      expect(['/scan', '/fhir', '/redact', '/healthz', '/openapi.json', '(no route)']).toContain(l.route);
      expect(typeof l.status).toBe('number');
      expect(typeof l.ms).toBe('number');
    }
    expect(requests.some((l) => l.status === 413 && l.route === '/scan')).toBe(true);
    expect(log.text()).not.toContain('SENTINEL');
    expect(log.text()).not.toContain('Quillfeather');
    expect(responses.join('\n')).not.toContain('SENTINEL');
  });
});

describe('the service under pressure', () => {
  it('503 when saturated, 504 past --timeout, and it goes on serving', async () => {
    const log = capture();
    const svc = await startService({ port: 0, concurrency: 1, maxPending: 1, timeoutMs: 400, maxBodyBytes: 20 * 1024 * 1024 }, log.sink);
    try {
      const slow = post(svc.url, '/scan', { text: big(6) });
      // Once the slow request holds the only place, the next one is refused.
      for (let i = 0; i < 100; i++) {
        const h = (await (await fetch(svc.url + '/healthz')).json()) as { pending: number };
        if (h.pending === 1) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const refused = await post(svc.url, '/scan', { text: 'BP 120/80.' });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      const late = await slow;
      expect(late.status).toBe(504);
      // The stuck worker is replaced; the service answers again.
      let ok = 0;
      for (let i = 0; i < 40 && ok === 0; i++) {
        const r = await post(svc.url, '/scan', { text: 'BP 120/80.' });
        if (r.status === 200) ok++;
        else await new Promise((res) => setTimeout(res, 250));
      }
      expect(ok).toBe(1);
    } finally {
      await svc.close();
    }
  }, 60_000);
});

describe('with a token', () => {
  let svc: Service;
  const log = capture();
  beforeAll(async () => {
    svc = await startService({ port: 0, host: '127.0.0.1', token: TOKEN }, log.sink);
  }, 60_000);
  afterAll(async () => {
    await svc?.close();
  });

  it('every route but /healthz needs the bearer token (401 otherwise, before the body is read)', async () => {
    expect((await fetch(svc.url + '/healthz')).status).toBe(200);
    for (const auth of [undefined, 'Bearer wrong-token-0123456789', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`, 'Bearer']) {
      const r = await post(svc.url, '/scan', { text: SENTINEL }, auth ? { authorization: auth } : {});
      expect(r.status, auth).toBe(401);
      expect(r.headers.get('www-authenticate')).toBe('Bearer');
      expect((await fetch(svc.url + '/openapi.json', { headers: auth ? { authorization: auth } : {} })).status).toBe(401);
    }
    const ok = await post(svc.url, '/scan', { text: 'BP 120/80.' }, { authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
    expect(log.text()).not.toContain(TOKEN);
  });

  it('refuses any other host without a token, and the CLI exits 2', async () => {
    await expect(startService({ port: 0, host: '0.0.0.0' })).rejects.toThrow(/only on loopback/);
    const r = await runCliInProcess(['serve', '--host', '0.0.0.0', '--port', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/without --token-file the service listens only on loopback/);
    const dir = tempDir('sgs-token-');
    try {
      writeFileSync(join(dir, 'short'), 'abc\n');
      const short = await runCliInProcess(['serve', '--host', '0.0.0.0', '--port', '0', '--token-file', 'short'], { cwd: dir });
      expect(short.code).toBe(2);
      expect(short.stderr).not.toContain('abc');
      const missing = await runCliInProcess(['serve', '--port', '0', '--token-file', 'nope'], { cwd: dir });
      expect(missing.code).toBe(2);
    } finally {
      rmrf(dir);
    }
  });
});

describe('safeguard-scan serve (the built CLI)', () => {
  beforeAll(() => ensureBuilt(), 300_000);

  it('SIGTERM: answers the request in flight, then exits 143', async () => {
    const dir = tempDir('sgs-serve-');
    writeFileSync(join(dir, 'token'), TOKEN + '\n');
    chmodSync(join(dir, 'token'), 0o600);
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--token-file', 'token', '--max-body', '20mb'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    try {
      const url = await new Promise<string>((res, rej) => {
        child.stderr.on('data', (d) => {
          stderr += d;
          const m = /"event":"listening","url":"([^"]+)"/.exec(stderr);
          if (m) res(m[1]);
        });
        child.on('exit', () => rej(new Error(`exited early: ${stderr}`)));
      });
      const inFlight = post(url, '/scan', { text: big(8) + SENTINEL }, { authorization: `Bearer ${TOKEN}` });
      await new Promise((r) => setTimeout(r, 300));
      child.kill('SIGTERM');
      const r = await inFlight;
      expect(r.status).toBe(200);
      expect(r.json?.verdict).toBeDefined();
      expect(await exited).toBe(143);
      expect(stderr).toMatch(/"event":"draining"/);
      expect(stderr).toMatch(/"event":"stopped"/);
      expect(stderr + stdout).not.toContain('SENTINEL');
      expect(stdout).toBe('');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmrf(dir);
    }
  }, 120_000);

  it('a slow client that never finishes its body is cut off; the others are served', async () => {
    const svc = await startService({ port: 0, timeoutMs: 500 }, capture().sink);
    try {
      const { port } = new URL(svc.url);
      const sock = connect(Number(port), '127.0.0.1');
      let answer = '';
      sock.on('data', (d) => (answer += d));
      sock.write(`POST /scan HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"text": "${SENTINEL}`);
      const closed = new Promise((r) => sock.on('close', r));
      expect((await post(svc.url, '/scan', { text: 'BP 120/80.' })).status).toBe(200);
      await closed;
      expect(answer === '' || /^HTTP\/1\.1 408/.test(answer)).toBe(true);
      expect(answer).not.toContain('SENTINEL');
    } finally {
      await svc.close();
    }
  }, 30_000);
});
