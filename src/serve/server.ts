/**
 * The HTTP service over the same scanner, readers and worker pool as every other entry point
 * (DESIGN.md, "Contract additions"): POST /scan, POST /fhir, GET /healthz, GET /openapi.json.
 * Scans run in the worker pool behind a bounded queue, so one large document occupies one
 * worker and the others go on; past the queue's bound a request gets 503, past --timeout 504.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DEFAULT_POOL_LIMITS, WorkerPool } from '../batch/pool.js';
import { DEFAULT_READER_LIMITS } from '../batch/reader-host.js';
import { fhirRequestProblem } from '../batch/readers/fhir/read.js';
import { jsonPointer } from '../batch/readers/fhir/path.js';
import { issueMessage } from '../batch/readers/fhir/plan.js';
import { AnyResourceSchema } from '../batch/readers/fhir/schema.js';
import { DEFAULT_MAX_BYTES } from '../batch/results.js';
import type { WorkerConfig } from '../batch/worker.js';
import type { Thresholds } from '../model/index.js';
import { toolVersion } from '../version.js';
import { bearerCheck } from './auth.js';
import { createLog, type LogSink, type ServiceLog } from './log.js';
import { PENDING_PER_WORKER, ServeOptionsSchema, type ServeOptions, type ServeSettings } from './options.js';
import { Saturated, ScanQueue, TimedOut } from './queue.js';
import { openApiDocument, RedactRequestSchema, ScanRequestSchema } from './schemas.js';

export interface Service {
  app: FastifyInstance;
  settings: ServeSettings;
  /** where it listens, once listening */
  url: string;
  lexiconVersion: string;
  /** stop taking requests, answer those in flight, stop the workers */
  close(): Promise<void>;
}

/** An error we answer with: our own words, never an echo of the request. */
class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly path?: string,
  ) {
    super(message);
  }
}

/** Fastify's own errors, in our words (its messages can quote what was sent). */
function describeFastifyError(err: FastifyError): { status: number; error: string; path?: string } {
  const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, error: 'the body is larger than --max-body' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, error: 'send the body as application/json (or application/fhir+json)' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, error: 'the body is empty', path: '' };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, error: 'the content-length does not match the body', path: '' };
    default:
      if (status === 400) return { status, error: 'invalid request', path: '' };
      if (status === 408) return { status, error: 'the request took too long to arrive' };
      return { status, error: status >= 500 ? 'internal error' : 'request refused' };
  }
}

const routeOf = (req: FastifyRequest) => req.routeOptions?.url ?? '(no route)';

export async function startService(options: ServeOptions, logSink: LogSink = process.stderr): Promise<Service> {
  const settings = ServeOptionsSchema.parse(options);
  const log: ServiceLog = createLog(logSink);
  const config: WorkerConfig = {
    lexicons: settings.lexicons,
    thresholds: settings.thresholds as Partial<Thresholds> | undefined,
    includeText: false,
    maxBytes: Math.max(settings.maxBodyBytes, DEFAULT_MAX_BYTES),
    reader: { ocr: settings.ocr },
    readerLimits: { ...DEFAULT_READER_LIMITS, timeoutMs: settings.timeoutMs },
  };
  // A worker on one request with no progress for --timeout is replaced (the request has had its 504).
  const pool = await WorkerPool.start(settings.concurrency, config, { ...DEFAULT_POOL_LIMITS, timeoutMs: settings.timeoutMs });
  const queue = new ScanQueue(pool, settings.maxPending ?? settings.concurrency * PENDING_PER_WORKER, settings.timeoutMs);
  const authorised = settings.token ? bearerCheck(settings.token) : undefined;

  // Loaded here, not at the top: the CLI is one bundle, and a static import would load fastify
  // (and its dependencies, about 40 ms) in every command and every scan worker.
  const { default: Fastify } = await import('fastify');
  const app = Fastify({
    logger: false,
    bodyLimit: settings.maxBodyBytes,
    genReqId: () => randomUUID(),
    requestTimeout: settings.timeoutMs,
    connectionTimeout: settings.timeoutMs * 2,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Node checks request time limits every 30 s by default: a slow client would hold its
    // connection for up to 30 s past --timeout.
    http: { connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(settings.timeoutMs / 4))) },
  });
  app.server.headersTimeout = Math.min(60_000, settings.timeoutMs);
  app.server.maxConnections = 1024;

  // The body is taken as text and parsed in a hook, not in the content-type parser: fastify
  // closes the connection after a parser error, which would make every malformed request cost
  // a client its keep-alive connection. Our errors give a line and column, never the text.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/json', 'application/fhir+json'], { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.addHook('preValidation', async (req) => {
    if (typeof req.body !== 'string') return;
    const text = req.body;
    if (text.trim() === '') throw new HttpError(400, 'the body is empty', '');
    try {
      (req as FastifyRequest & { rawText?: string }).rawText = text;
      req.body = JSON.parse(text) as unknown;
    } catch (err) {
      const m = /position (\d+)/.exec(err instanceof Error ? err.message : '');
      let where = '';
      if (m) {
        const pos = Math.min(Number(m[1]), text.length);
        const before = text.slice(0, pos);
        where = ` (line ${before.split('\n').length}, column ${pos - before.lastIndexOf('\n')})`;
      }
      throw new HttpError(400, `the body is not valid JSON${where}`, '');
    }
  });

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    if (authorised && req.url !== '/healthz' && !authorised(req.headers.authorization)) {
      reply.header('www-authenticate', 'Bearer');
      throw new HttpError(401, 'a valid bearer token is required');
    }
  });

  // While draining, each answer closes its connection, so that keep-alive clients let the server stop.
  let closing = false;
  app.addHook('onSend', async (_req, reply) => {
    if (closing) reply.header('connection', 'close');
  });

  app.addHook('onResponse', async (req, reply) => {
    const bytes = Number(req.headers['content-length']);
    log.request({
      reqId: req.id,
      method: req.method,
      route: routeOf(req),
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      ...(Number.isFinite(bytes) ? { bytes } : {}),
      ...((reply as FastifyReply & { errorCode?: string }).errorCode ? { error: (reply as FastifyReply & { errorCode?: string }).errorCode } : {}),
    });
  });

  app.setErrorHandler((err: FastifyError | HttpError, _req, reply) => {
    const e = err instanceof HttpError ? { status: err.statusCode, error: err.message, path: err.path } : describeFastifyError(err as FastifyError);
    (reply as FastifyReply & { errorCode?: string }).errorCode = err instanceof HttpError ? undefined : (err as FastifyError).code ?? err.name;
    if (e.status === 503) reply.header('retry-after', '1');
    void reply.code(e.status).send(e.status === 400 ? { error: e.error, path: e.path ?? '' } : { error: e.error });
  });
  app.setNotFoundHandler((_req, reply) => {
    void reply.code(404).send({ error: 'no such route: see /openapi.json' });
  });

  /** Run one request in the pool, with the queue's bound and the time limit as status codes. */
  async function scanned(input: Parameters<ScanQueue['run']>[0]) {
    try {
      const reply = await queue.run(input);
      if (!reply) throw new HttpError(500, 'the worker scanning this request stopped; it was not scanned');
      return reply;
    } catch (err) {
      if (err instanceof Saturated) throw new HttpError(503, 'the service is saturated: retry later');
      if (err instanceof TimedOut) throw new HttpError(504, 'the request was not answered within --timeout');
      throw err;
    }
  }

  app.post('/scan', async (req) => {
    const parsed = ScanRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      // An unknown field is named by the object that holds it, never by its name (a name can be record text).
      const issue = parsed.error.issues[0];
      throw new HttpError(400, issueMessage(issue), jsonPointer(issue.path as (string | number)[]));
    }
    const r = await scanned({ kind: 'text', text: parsed.data.text, ...(parsed.data.context ? { context: parsed.data.context } : {}) });
    return r.scan;
  });

  app.post('/redact', async (req) => {
    const parsed = RedactRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new HttpError(400, issueMessage(issue), jsonPointer(issue.path as (string | number)[]));
    }
    const { text, context, categories } = parsed.data;
    const r = await scanned({ kind: 'redact', text, ...(context ? { context } : {}), ...(categories ? { categories } : {}) });
    // Fail closed: a text that could not be scanned or redacted whole is not returned at all.
    if (!r.redact || 'error' in r.redact) throw new HttpError(500, r.redact && 'error' in r.redact ? r.redact.error : 'the worker gave no result for this request');
    return { text: r.redact.text, redactions: r.redact.redactions };
  });

  app.post('/fhir', async (req, reply) => {
    const any = AnyResourceSchema.safeParse(req.body);
    if (!any.success) throw new HttpError(400, 'the body must be a FHIR resource (a JSON object with a resourceType)', req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? '/resourceType' : '');
    const problem = fhirRequestProblem(req.body);
    if (problem) throw new HttpError(400, problem.message, problem.pointer);
    const r = await scanned({ kind: 'fhir', json: (req as FastifyRequest & { rawText?: string }).rawText ?? JSON.stringify(req.body) });
    if (r.fhir === undefined) throw new HttpError(500, 'the worker gave no result for this request');
    return reply.type('application/fhir+json').send(r.fhir);
  });

  app.get('/healthz', async () => ({ status: 'ok' as const, version: toolVersion(), lexiconVersion: pool.lexiconVersion, workers: pool.workers, pending: queue.size }));
  const openapi = openApiDocument(!!authorised);
  app.get('/openapi.json', async () => openapi);

  try {
    await app.listen({ host: settings.host, port: settings.port });
  } catch (err) {
    await pool.close();
    throw err;
  }
  const addr = app.server.address();
  const url = typeof addr === 'object' && addr ? `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}` : '';
  log.event('listening', { url, workers: pool.workers, maxPending: queue.limit, auth: !!authorised, version: toolVersion(), lexiconVersion: pool.lexiconVersion });

  let stopped: Promise<void> | undefined;
  return {
    app,
    settings,
    url,
    lexiconVersion: pool.lexiconVersion,
    close() {
      stopped ??= (async () => {
        closing = true;
        log.event('draining', { pending: queue.size });
        const closed = app.close();
        await queue.drained();
        // Every request has had its answer; a connection still open after a moment is idle.
        const grace = setTimeout(() => app.server.closeAllConnections(), 1000);
        await closed;
        clearTimeout(grace);
        await pool.close();
        log.event('stopped');
      })();
      return stopped;
    },
  };
}
