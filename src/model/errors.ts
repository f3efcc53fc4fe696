/**
 * Errors are described without record text: a library's message can quote the document it
 * choked on, so only an error's class name or code is ever passed on.
 */

/** Name of a thrown value's class or code, safe to log. */
export function errorKind(err: unknown): string {
  if (err && typeof err === 'object') {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z0-9_]+$/.test(code)) return code;
    const name = (err as { name?: unknown }).name;
    if (typeof name === 'string' && /^\w+$/.test(name)) return name;
  }
  return 'error';
}

/** An internal error inside a scan, for `ScanResult.error`. */
export function describeError(where: string, err: unknown): string {
  const name = err instanceof Error ? err.name : typeof err;
  return `internal error in ${where} (${name}); the document was not fully scanned`;
}
