/**
 * The database the user names with `--db`: a pg pool for our tables and, where a command needs
 * it, a pg-boss instance for the queue. Both packages are imported here, when a queue command
 * first connects, and nowhere else: `scan`, `check` and the library never load them.
 *
 * Messages about the database never carry its password (it is cut out of the URL and of any
 * message that could echo it) and never carry a query's data (errors are described by their
 * code, not their message, except for the connection errors whose wording is known).
 */
import type { Pool, PoolClient, PoolConfig } from 'pg';
import type PgBoss from 'pg-boss';
import { BOSS_SCHEMA, maintenanceSeconds, QUEUE } from './names.js';

/** The database cannot be reached or used: the command exits 2 with this one line. */
export class QueueConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueueConnectionError';
  }
}

/** `--db` is not a PostgreSQL URL. */
export class QueueUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueueUsageError';
  }
}

/** The URL as it may be shown: the password replaced by `***`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(a database URL that could not be parsed)';
  }
}

function passwordOf(url: string): string | undefined {
  try {
    const p = new URL(url).password;
    return p ? decodeURIComponent(p) : undefined;
  } catch {
    return undefined;
  }
}

/** Check that `--db` is a PostgreSQL URL (before connecting, so a typo is a usage error). */
export function checkDbUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new QueueUsageError('--db must be a PostgreSQL URL such as postgres://user@host:5432/database');
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw new QueueUsageError(`--db must be a PostgreSQL URL (postgres:// or postgresql://), not ${u.protocol}//...`);
}

const CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is PostgreSQL running, and on that host and port?)',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'the host name could not be resolved',
  ENOENT: 'no PostgreSQL socket at that path',
  ECONNRESET: 'the connection was reset',
  EHOSTUNREACH: 'the host cannot be reached',
  ETIMEDOUT: 'the connection timed out',
  '3D000': 'the database does not exist (create it first: createdb NAME)',
  '28P01': 'password authentication failed',
  '28000': 'the server refused this user or host (pg_hba.conf)',
  '57P01': 'the server closed the connection (it is shutting down or restarting)',
  '57P02': 'the server closed the connection (crash of another server process)',
  '57P03': 'the server is starting up or shutting down',
  '53300': 'the server has too many connections',
  '42501': 'permission denied (the user needs the right to create schemas and tables, or they must exist)',
};

/** What went wrong with the database, in words, without a query's data or the password. */
export function describeDbError(err: unknown, url?: string): string {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const message = typeof e?.message === 'string' ? e.message : '';
  let said: string;
  if (code && CODES[code]) said = `${CODES[code]} [${code}]`;
  else if (/timeout|timed out/i.test(message)) said = 'the connection timed out (nothing answered at that address)';
  else if (/Connection terminated/i.test(message)) said = 'the connection was closed';
  else if (/self[- ]signed|certificate|SSL|TLS/i.test(message)) said = `a TLS problem (${code ?? 'ssl'})`;
  else said = code ? `database error ${code}` : err instanceof Error ? err.name : 'error';
  const pw = url ? passwordOf(url) : undefined;
  return pw ? said.split(pw).join('***') : said;
}

/** Errors that mean "the database is (for now) out of reach": worth waiting and trying again. */
export function isConnectionLoss(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  const message = String((err as { message?: unknown })?.message ?? '');
  if (typeof code === 'string' && (/^(08|57P)/.test(code) || ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE', 'ENOENT', 'EHOSTUNREACH', '53300'].includes(code))) return true;
  return /Connection terminated|timeout|not queryable|Client has encountered a connection error|connection is closed/i.test(message);
}

export interface QueueDb {
  /** our pool (our tables, and pg-boss calls made inside our transactions) */
  pool: Pool;
  /** the queue; only for the commands that need it */
  boss?: PgBoss;
  /** the URL as it may be shown */
  shown: string;
  /** describe an error of this database (never its password) */
  describe(err: unknown): string;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** start pg-boss: `worker` also runs its maintenance (expiring the jobs of dead workers) */
  boss?: 'worker' | 'client';
  maintenanceSeconds?: number;
  /** connections in our pool */
  poolSize?: number;
  /** errors of idle connections and of pg-boss's own work (a restart of the server): reported, never fatal */
  onBackgroundError?: (what: string) => void;
  /** ms to wait for a connection before giving up (default 5 s) */
  connectTimeoutMs?: number;
}

const APP = 'safeguard-scan';

/** The job time limit of the scan queue, read straight from pg-boss's queue table (before pg-boss starts). */
async function queueTimeoutInDb(pool: Pool): Promise<number | undefined> {
  const { rows: has } = await pool.query<{ t: string | null }>(`SELECT to_regclass('${BOSS_SCHEMA}.queue')::text AS t`);
  if (!has[0]?.t) return undefined;
  const { rows } = await pool.query<{ s: number | null }>(`SELECT expire_seconds AS s FROM ${BOSS_SCHEMA}.queue WHERE name = $1`, [QUEUE.scan]);
  return rows[0]?.s ?? undefined;
}

/**
 * Connect, or throw QueueConnectionError naming the database (without its password) and why.
 * pg and pg-boss are loaded here, on first use.
 */
export async function connect(url: string, opts: ConnectOptions = {}): Promise<QueueDb> {
  checkDbUrl(url);
  const shown = redactUrl(url);
  const describe = (err: unknown) => describeDbError(err, url);
  const { default: pg } = await import('pg');
  const background = opts.onBackgroundError ?? (() => undefined);
  const base: PoolConfig = { connectionString: url, connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000, keepAlive: true, application_name: APP };
  const pool = new pg.Pool({ ...base, max: opts.poolSize ?? 4 });
  // An idle connection that the server drops (a restart) is reported here; without a listener it would end the process.
  pool.on('error', (err) => background(`an idle database connection was closed: ${describe(err)}`));
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new QueueConnectionError(`cannot connect to the database ${shown}: ${describe(err)}`);
  }
  let boss: PgBoss | undefined;
  if (opts.boss) {
    // A worker runs pg-boss's maintenance at a pace set by the queue's own job time limit, if the queue exists yet.
    let maintenance = opts.maintenanceSeconds ?? 60;
    if (opts.boss === 'worker') {
      const t = await queueTimeoutInDb(pool).catch(() => undefined);
      if (t) maintenance = maintenanceSeconds(t);
    }
    const { default: PgBossClass } = await import('pg-boss');
    // pg-boss passes pool options (the timeout, keep-alive) on to pg; its types list only its own.
    const bossOptions = {
      connectionString: url,
      connectionTimeoutMillis: base.connectionTimeoutMillis,
      keepAlive: true,
      application_name: APP,
      schema: BOSS_SCHEMA,
      max: 2,
      // No cron: nothing of ours is scheduled, and it would add a queue and a clock check.
      schedule: false,
      supervise: opts.boss === 'worker',
      migrate: true,
      ...(opts.boss === 'worker' ? { maintenanceIntervalSeconds: maintenance } : {}),
    };
    boss = new PgBossClass(bossOptions as PgBoss.ConstructorOptions);
    boss.on('error', (err) => background(`queue: ${describe(err)}`));
    try {
      await boss.start();
    } catch (err) {
      await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
      await pool.end().catch(() => undefined);
      throw new QueueConnectionError(`cannot set up the queue in the database ${shown}: ${describe(err)}`);
    }
  }
  let closed = false;
  return {
    pool,
    boss,
    shown,
    describe,
    async close() {
      if (closed) return;
      closed = true;
      if (boss) await boss.stop({ graceful: false, wait: true, close: true }).catch(() => undefined);
      await pool.end().catch(() => undefined);
    },
  };
}

/**
 * A client of the pool for a transaction. pg-pool listens for errors on idle clients only: a
 * client checked out when the server goes away would otherwise emit an unhandled 'error' and end
 * the process. Here it is caught, and the client is thrown away on release.
 */
export async function withTransaction<T>(pool: Pool, fn: (c: PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  let lost: unknown;
  const onError = (err: unknown) => {
    lost = err;
  };
  c.on('error', onError);
  let failed: unknown;
  try {
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (err) {
    failed = err;
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    c.removeListener('error', onError);
    // A broken connection is not given back to the pool.
    c.release(lost || (failed && isConnectionLoss(failed)) ? (lost instanceof Error ? lost : new Error('connection lost')) : undefined);
  }
}

/** pg-boss's `db` option: its statements run on our client, inside our transaction. */
export function bossDb(c: PoolClient | Pool): { executeSql(text: string, values: unknown[]): Promise<{ rows: unknown[] }> } {
  return { executeSql: (text, values) => c.query(text, values as unknown[]) };
}

/**
 * pg-boss's `fetch` swallows database errors and returns no jobs, so that a database that is
 * down looks like an empty queue. This `db` remembers the error so that the caller can tell.
 */
export function watchedDb(pool: Pool): { db: ReturnType<typeof bossDb>; take(): unknown } {
  let error: unknown;
  return {
    db: {
      executeSql: async (text, values) => {
        try {
          return await pool.query(text, values as unknown[]);
        } catch (err) {
          error = err;
          throw err;
        }
      },
    },
    take() {
      const e = error;
      error = undefined;
      return e;
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Run `fn` again while the database is out of reach, up to `forMs`; it must be safe to repeat. */
export async function retrying<T>(what: string, forMs: number, fn: () => Promise<T>, note?: (line: string) => void, describe?: (err: unknown) => string): Promise<T> {
  const until = Date.now() + forMs;
  let wait = 250;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (!isConnectionLoss(err) || Date.now() + wait > until) throw err;
      note?.(`${what}: the database is out of reach (${describe ? describe(err) : describeDbError(err)}); trying again`);
      await sleep(wait);
      wait = Math.min(wait * 2, 5000);
    }
  }
}
