import type { ReadDocument } from './types.js';

/**
 * Every reader failure goes through here so that an error document never carries record text:
 * callers pass only fixed wording, names of options/columns, numbers and errno codes.
 */
export function errorDoc(error: string, extra: Omit<ReadDocument, 'text' | 'error'> = {}): ReadDocument {
  return { ...extra, text: '', error };
}

/** Name of a thrown value's class or code, safe to log: library messages may quote the input. */
export function errorKind(err: unknown): string {
  if (err && typeof err === 'object') {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z0-9_]+$/.test(code)) return code;
    const name = (err as { name?: unknown }).name;
    if (typeof name === 'string' && /^\w+$/.test(name)) return name;
  }
  return 'error';
}

/** Column and field names are quoted in errors; bound their length so a stray cell can't slip in. */
export function quoteName(n: string): string {
  const s = n.length > 60 ? `${n.slice(0, 57)}...` : n;
  return JSON.stringify(s);
}
