/**
 * One JSON line per request (request id, method, route, status, time taken) and per service
 * event. The route is the matched route's pattern, never the URL as sent (a query string could
 * hold record text); bodies and error messages from outside are never logged.
 */
export interface LogSink {
  write(s: string): unknown;
}

export interface RequestLine {
  reqId: string;
  method: string;
  route: string;
  status: number;
  ms: number;
  /** the request's declared size */
  bytes?: number;
  /** a short code for what went wrong (our own wording, never input) */
  error?: string;
}

export function createLog(sink: LogSink) {
  const line = (o: Record<string, unknown>) => sink.write(JSON.stringify({ time: new Date().toISOString(), ...o }) + '\n');
  return {
    request: (r: RequestLine) => line({ level: r.status >= 500 ? 'error' : r.status >= 400 ? 'warn' : 'info', ...r }),
    event: (event: string, o: Record<string, unknown> = {}) => line({ level: 'info', event, ...o }),
  };
}
export type ServiceLog = ReturnType<typeof createLog>;
