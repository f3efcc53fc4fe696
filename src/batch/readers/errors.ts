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
 * How many names (columns, fields) a file has, for an error, never the names themselves: a CSV
 * without a header has record text in its first row, a JSONL record's keys can be data, and no
 * test of "does this look like a name" tells a name from a patient's ("Zephyrine Quillfeather").
 * To see them, look at the file itself (`head -1 file.csv`).
 */
export function listNames(names: string[], noun: 'column' | 'field'): string {
  return `${names.length} ${noun}${names.length === 1 ? '' : 's'} (not listed: they could be record text; look at the file to see them)`;
}
