import { z } from 'zod';

/**
 * The service's settings (DESIGN.md: `serve [--host 127.0.0.1] [--port 8787] [--token-file FILE]
 * [--max-body 10mb] [--timeout 30s]`), validated at the boundary. Without a token the service
 * listens on loopback only: record text must never cross a network unauthenticated.
 */
export const LOOPBACK_HOSTS = ['127.0.0.1', '::1', 'localhost'] as const;

export const ServeOptionsSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8787),
    /** the bearer token every request but /healthz must carry (read from --token-file) */
    token: z.string().min(16, 'the token must be at least 16 characters').optional(),
    maxBodyBytes: z.number().int().positive().default(10 * 1024 * 1024),
    timeoutMs: z.number().int().positive().default(30_000),
    /** worker threads scanning */
    concurrency: z.number().int().positive().default(1),
    /** most requests accepted at once (queued or scanning); past it, 503 */
    maxPending: z.number().int().positive().optional(),
    lexicons: z.array(z.string()).optional(),
    thresholds: z.record(z.string(), z.number()).optional(),
    ocr: z.boolean().default(true),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (!o.token && !(LOOPBACK_HOSTS as readonly string[]).includes(o.host))
      ctx.addIssue({ code: 'custom', path: ['host'], message: `without --token-file the service listens only on loopback (${LOOPBACK_HOSTS.join(', ')}); give --token-file to listen on ${o.host}` });
  });
export type ServeOptions = z.input<typeof ServeOptionsSchema>;
export type ServeSettings = z.output<typeof ServeOptionsSchema>;

/** Requests waiting or scanning per worker before the service says it is saturated (503). */
export const PENDING_PER_WORKER = 32;
