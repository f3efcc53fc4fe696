/**
 * PostgreSQL for the queue tests: a real server, never a stand-in.
 *
 * - SAFEGUARD_SCAN_TEST_DB_URL (set by .ci/run, which starts a throwaway cluster): each test
 *   file makes databases of its own in that server and drops them after.
 * - Otherwise, when PostgreSQL's server binaries are installed (/usr/lib/postgresql/N/bin), a
 *   test file starts a throwaway cluster of its own (scripts/pg-test-cluster.sh: as the
 *   `postgres` user when we are root, on a free port under /tmp) and removes it after.
 * - Neither: the tests are skipped with a message; in CI (CI=true) that fails the run instead.
 *
 * A test that restarts the server (`ownCluster`) always uses a cluster of its own.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { ROOT } from '../batch-helpers.js';

const run = promisify(execFile);
const SCRIPT = join(ROOT, 'scripts', 'pg-test-cluster.sh');
export const URL_ENV = 'SAFEGUARD_SCAN_TEST_DB_URL';

export function hasServerBinaries(): boolean {
  try {
    return readdirSync('/usr/lib/postgresql').some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));
  } catch {
    return false;
  }
}

/** Why the database tests cannot run here, or undefined when they can. Throws in CI, where they must. */
export function whyNoDatabase(needOwnCluster = false): string | undefined {
  const why = needOwnCluster
    ? hasServerBinaries()
      ? undefined
      : 'no PostgreSQL server binaries (apt-get install postgresql) to start a cluster of its own'
    : process.env[URL_ENV] || hasServerBinaries()
      ? undefined
      : `no database: set ${URL_ENV} or install PostgreSQL's server (apt-get install postgresql)`;
  if (why && process.env.CI === 'true') throw new Error(`queue tests: ${why}; in CI they must run (.ci/run starts PostgreSQL)`);
  return why;
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

export interface Cluster {
  url: string;
  port: number;
  /** stop the server, wait `downSeconds`, start it again (an outage) */
  restart(downSeconds?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startCluster(): Promise<Cluster> {
  const port = await freePort();
  const env = { ...process.env, PGTEST_PORT: String(port), PGTEST_DIR: `/tmp/sgs-pg-test-${port}` };
  const { stdout } = await run(SCRIPT, ['start'], { env });
  const url = stdout.trim().split('\n').pop()!;
  return {
    url,
    port,
    restart: async (downSeconds?: number) => {
      await run(SCRIPT, ['restart'], { env: { ...env, ...(downSeconds ? { PGTEST_DOWN_SECONDS: String(downSeconds) } : {}) } });
    },
    stop: async () => {
      await run(SCRIPT, ['stop'], { env });
    },
  };
}

/** A server to make test databases in: the CI one, or a cluster of this test file's own. */
export interface Server {
  /** a fresh, empty database; dropped by `close` */
  database(): Promise<string>;
  close(): Promise<void>;
  cluster?: Cluster;
}

export async function testServer(opts: { ownCluster?: boolean } = {}): Promise<Server> {
  const cluster = opts.ownCluster || !process.env[URL_ENV] ? await startCluster() : undefined;
  const base = cluster?.url ?? process.env[URL_ENV]!;
  const made: string[] = [];
  const admin = () => {
    const u = new URL(base);
    u.pathname = '/postgres';
    return new pg.Client({ connectionString: u.toString() });
  };
  return {
    cluster,
    async database() {
      const name = `sgs_${process.pid}_${made.length}_${Math.random().toString(36).slice(2, 8)}`;
      const c = admin();
      await c.connect();
      try {
        await c.query(`CREATE DATABASE ${name}`);
      } finally {
        await c.end();
      }
      made.push(name);
      const u = new URL(base);
      u.pathname = `/${name}`;
      return u.toString();
    },
    async close() {
      for (const [u, p] of pools) if (u.startsWith(base.replace(/\/[^/]*$/, ''))) {
        pools.delete(u);
        await p.end().catch(() => undefined);
      }
      if (cluster) return cluster.stop();
      const c = admin();
      await c.connect();
      try {
        for (const name of made) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

const pools = new Map<string, pg.Pool>();

/** A test's own queries: a small pool per database (tests poll often), which never keeps the process alive. */
export async function query<T extends pg.QueryResultRow = Record<string, unknown>>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  let pool = pools.get(url);
  if (!pool) {
    pool = new pg.Pool({ connectionString: url, max: 2, idleTimeoutMillis: 2000, allowExitOnIdle: true });
    // The server restarting under a test closes idle connections: expected, not fatal.
    pool.on('error', () => undefined);
    pools.set(url, pool);
  }
  return (await pool.query<T>(sql, values)).rows;
}
