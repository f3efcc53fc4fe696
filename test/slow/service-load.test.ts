import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import autocannon from 'autocannon';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLI, ensureBuilt } from '../batch-helpers.js';

/**
 * Bad input under load (npm run test:slow): the built service on loopback takes a stream of
 * valid, malformed, mistyped and non-JSON requests from many connections, while other clients
 * send bodies over --max-body and others trickle their bytes; every request gets the right
 * status, the service never crashes, its log stays free of record text, and SIGTERM still ends
 * it cleanly. All text is invented.
 */
const SENTINEL = 'ZQX-SENTINEL-5512 Peregrine Ashworth-Vane';
let child: ChildProcess;
let url = '';
let log = '';
const exited = { code: undefined as number | null | undefined };

beforeAll(async () => {
  await ensureBuilt();
  child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--concurrency', '2', '--max-body', '64kb', '--timeout', '5s', '--max-pending', '8'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (log += d));
  child.on('exit', (code) => (exited.code = code));
  url = await new Promise<string>((res, rej) => {
    child.stderr!.on('data', (d) => {
      log += d;
      const m = /"event":"listening","url":"([^"]+)"/.exec(log);
      if (m) res(m[1]);
    });
    child.once('exit', () => rej(new Error(log)));
  });
}, 300_000);

afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

type Kind = 'valid' | 'malformed' | 'wrong-type' | 'wrong-context' | 'array' | 'not-json';
const EXPECTED: Record<Kind, number[]> = { valid: [200, 503], malformed: [400], 'wrong-type': [400], 'wrong-context': [400], array: [400], 'not-json': [415] };

it('right statuses for every kind of bad input under load, and no crash', async () => {
  const statuses = new Map<Kind, Map<number, number>>();
  const tally = (k: Kind) => (status: number) => {
    const m = statuses.get(k) ?? new Map<number, number>();
    m.set(status, (m.get(status) ?? 0) + 1);
    statuses.set(k, m);
  };
  const json = { 'content-type': 'application/json' };
  const requests: { kind: Kind; body: string; headers?: Record<string, string> }[] = [
    { kind: 'valid', body: JSON.stringify({ text: `Disclosed that partner hit her. MARAC referral made. ${SENTINEL}` }) },
    { kind: 'malformed', body: `{"text": "${SENTINEL}` },
    { kind: 'wrong-type', body: JSON.stringify({ text: 42, context: { id: SENTINEL } }) },
    { kind: 'valid', body: JSON.stringify({ text: `BP 120/80. ${SENTINEL}`, context: { patient: { name: 'Amy Clarke' }, kind: 'entry' } }) },
    { kind: 'wrong-context', body: JSON.stringify({ text: SENTINEL, context: { kind: SENTINEL } }) },
    { kind: 'array', body: JSON.stringify([SENTINEL]) },
    { kind: 'not-json', body: SENTINEL, headers: { 'content-type': 'text/plain' } },
  ];

  // Bodies over --max-body, and clients that send their body a byte at a time, alongside.
  const huge = (async () => {
    const out: (number | string)[] = [];
    for (let i = 0; i < 40; i++) {
      try {
        const r = await fetch(`${url}/scan`, { method: 'POST', headers: json, body: JSON.stringify({ text: SENTINEL + 'x'.repeat(512 * 1024) }) });
        out.push(r.status);
        await r.text();
      } catch (err) {
        out.push((err as Error).name);
      }
    }
    return out;
  })();
  const trickle = Promise.all(
    Array.from({ length: 20 }, () =>
      new Promise<{ answer: string; ms: number }>((res) => {
        const t0 = performance.now();
        const sock = connect(Number(new URL(url).port), '127.0.0.1');
        let answer = '';
        sock.on('data', (d) => (answer += d));
        sock.on('error', () => undefined);
        sock.write('POST /scan HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"text": "');
        const body = SENTINEL.repeat(10);
        let i = 0;
        const timer = setInterval(() => {
          if (sock.destroyed || i >= body.length) return clearInterval(timer);
          sock.write(body[i++]);
        }, 100);
        sock.on('close', () => {
          clearInterval(timer);
          res({ answer, ms: performance.now() - t0 });
        });
      }),
    ),
  );

  const result = await autocannon({
    url: `${url}/scan`,
    connections: 16,
    amount: 12_000,
    duration: 300,
    timeout: 20,
    requests: requests.map((r) => ({ method: 'POST', path: '/scan', headers: r.headers ?? json, body: r.body, onResponse: tally(r.kind) })),
  });
  const hugeStatuses = await huge;
  const slow = await trickle;

  expect(result.errors).toBe(0);
  expect(result.timeouts).toBe(0);
  let answered = 0;
  for (const [kind, m] of statuses) {
    for (const [status, n] of m) {
      expect(EXPECTED[kind], `${kind} got ${status} ${n} times`).toContain(status);
      answered += n;
    }
  }
  expect(answered).toBeGreaterThanOrEqual(12_000);
  expect(statuses.get('valid')?.get(200) ?? 0).toBeGreaterThan(1000);
  expect(hugeStatuses.every((s) => s === 413)).toBe(true);
  // Cut off at --timeout (5 s) with 408, or the connection closed; never left hanging, never a crash.
  for (const s of slow) {
    expect(s.ms).toBeLessThan(20_000);
    expect(s.answer === '' || /^HTTP\/1\.1 408/.test(s.answer)).toBe(true);
  }
  console.log(
    `statuses: ${[...statuses].map(([k, m]) => `${k} ${[...m].map(([s, n]) => `${s}x${n}`).join('/')}`).join(', ')}; ${result.requests.average} requests/s; slow clients cut off after ${Math.round(Math.min(...slow.map((s) => s.ms)))}-${Math.round(Math.max(...slow.map((s) => s.ms)))} ms`,
  );

  expect(exited.code).toBeUndefined();
  const health = await fetch(`${url}/healthz`);
  expect(health.status).toBe(200);
}, 600_000);

it('the log is one JSON line per request, without record text; SIGTERM still exits 143', async () => {
  const gone = new Promise<number | null>((r) => child.once('exit', r));
  child.kill('SIGTERM');
  expect(await gone).toBe(143);
  const lines = log.split('\n').filter(Boolean);
  expect(lines.length).toBeGreaterThan(12_000);
  for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
  expect(log).not.toContain('SENTINEL');
  expect(log).not.toContain('Ashworth');
}, 60_000);
