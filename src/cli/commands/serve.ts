import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveLexicons } from '../../batch/job.js';
import { errorKind } from '../../model/index.js';
import { ServeOptionsSchema, type ServeOptions } from '../../serve/options.js';
import { EXIT, UsageError, type CliIo } from '../io.js';
import { loadConfigFor } from './scan.js';

export interface ServeFlags {
  host: string;
  port: number;
  tokenFile?: string;
  maxBody?: number;
  timeout?: number;
  concurrency?: number;
  maxPending?: number;
  lexicons?: string[];
  config?: string;
  ocr?: boolean;
}

function readToken(file: string, cwd: string): string {
  const abs = resolve(cwd, file);
  let token: string;
  try {
    token = readFileSync(abs, 'utf8').trim();
  } catch (err) {
    throw new UsageError(`cannot read the token file ${file} (${errorKind(err)})`);
  }
  if (!token) throw new UsageError(`the token file ${file} is empty`);
  if (/\s/.test(token)) throw new UsageError(`the token file ${file} must hold one token on one line`);
  return token;
}

/**
 * `serve`: run the HTTP service until SIGTERM or SIGINT, then answer the requests in flight and
 * exit 143 or 130. Bad usage (another host without a token, a token file that cannot be read,
 * a port in use) is exit 2 before anything listens.
 */
export async function serveCommand(flags: ServeFlags, io: CliIo, signals: NodeJS.EventEmitter = process): Promise<number> {
  const { config } = loadConfigFor(flags, io.cwd);
  const token = flags.tokenFile ? readToken(flags.tokenFile, io.cwd) : undefined;
  const options: ServeOptions = {
    host: flags.host,
    port: flags.port,
    ...(token ? { token } : {}),
    ...(flags.maxBody ? { maxBodyBytes: flags.maxBody } : {}),
    ...(flags.timeout ? { timeoutMs: flags.timeout } : {}),
    concurrency: flags.concurrency ?? config.concurrency ?? 1,
    ...(flags.maxPending ? { maxPending: flags.maxPending } : {}),
    lexicons: resolveLexicons(io.cwd, [...(config.lexicons ?? []), ...(flags.lexicons ?? [])]),
    ...(config.thresholds ? { thresholds: config.thresholds } : {}),
    ocr: flags.ocr === false ? false : (config.ocr ?? true),
  };
  const checked = ServeOptionsSchema.safeParse(options);
  if (!checked.success) {
    const i = checked.error.issues[0];
    throw new UsageError(i.path[0] === 'host' ? i.message : `${i.path.join('.') === 'token' ? '--token-file' : i.path.join('.')}: ${i.message}`);
  }
  if (token && flags.tokenFile) {
    try {
      if (statSync(resolve(io.cwd, flags.tokenFile)).mode & 0o077) io.stderr.write(`safeguard-scan: warning: the token file ${flags.tokenFile} can be read by other users (chmod 600 it)\n`);
    } catch {
      /* read above */
    }
  }
  let service;
  try {
    // fastify loads only for `serve`: every other command starts without it (about 40 ms).
    const { startService } = await import('../../serve/server.js');
    service = await startService(options, io.stderr);
  } catch (err) {
    const code = errorKind(err);
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') throw new UsageError(`cannot listen on ${flags.host}:${flags.port} (${code})`);
    throw err;
  }
  const svc = service;
  return new Promise<number>((done) => {
    let stopping: NodeJS.Signals | undefined;
    const onSignal = (sig: NodeJS.Signals) => {
      if (stopping) process.exit(sig === 'SIGINT' ? EXIT.sigint : EXIT.sigterm);
      stopping = sig;
      svc.close().then(
        () => {
          signals.off('SIGTERM', onSignal);
          signals.off('SIGINT', onSignal);
          done(sig === 'SIGINT' ? EXIT.sigint : EXIT.sigterm);
        },
        () => done(EXIT.error),
      );
    };
    signals.on('SIGTERM', onSignal);
    signals.on('SIGINT', onSignal);
  });
}

