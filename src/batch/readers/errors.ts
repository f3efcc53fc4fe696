import type { ReadDocument } from './types.js';

/**
 * Every reader failure goes through here so that an error document never carries record text:
 * callers pass only fixed wording, names of options/columns, numbers and errno codes.
 */
export function errorDoc(error: string, extra: Omit<ReadDocument, 'text' | 'error'> = {}): ReadDocument {
  return { ...extra, text: '', error };
}

export { errorKind } from '../../model/errors.js';

/** A name the user typed (an option value), quoted for an error message. */
export function quoteName(n: string): string {
  const s = n.length > 60 ? `${n.slice(0, 57)}...` : n;
  return JSON.stringify(s);
}

/**
 * Does this look like a column or field name rather than a value? A CSV without a header has
 * record text in its first row, and that must not reach an error message.
 */
const NAME_LIKE = /^[\p{L}\p{N}][\p{L}\p{N} _\-./#()]{0,39}$/u;
const looksLikeName = (n: string) => NAME_LIKE.test(n) && n.trim().split(/\s+/).length <= 4;

/**
 * The names found in a file, for an error. If any of them looks like a value (a CSV with no
 * header row), none is listed: its neighbours are record data too.
 */
export function listNames(names: string[], noun: 'column' | 'field'): string {
  if (names.length === 0) return '(none)';
  if (!names.every(looksLikeName)) return `${names.length} ${noun}${names.length === 1 ? '' : 's'}, not listed because they do not look like names (no header row?)`;
  return names.slice(0, 30).map((n) => JSON.stringify(n)).join(', ') + (names.length > 30 ? `, ... (${names.length} in all)` : '');
}
