/**
 * The keys of a result row. A local run writes documents sorted by path, then record
 * (model/document.ts: UTF-16 code-unit order, numeric record ids numerically); the database
 * sorts text by its collation and knows nothing of numeric ids. So each row carries its path
 * and record as bytes whose plain byte order (PostgreSQL compares bytea with memcmp, shorter
 * first) is exactly that order. They are one-to-one with path and record, so they also serve as
 * the unique key, and unlike text they can hold any character (text cannot hold U+0000).
 */
import type { DocumentResult } from '../model/index.js';

const utf16be = (s: string): Buffer => Buffer.from(s, 'utf16le').swap16();

/** Sorts as `comparePaths`. */
export const pathKey = (path: string): Buffer => utf16be(path);

const NUMERIC = /^\d{1,15}$/;

/** Sorts as `compareRecords`: no record first, then numeric ids by value (ties by text), then the rest as text. */
export function recordKey(record: string | undefined): Buffer {
  if (record === undefined) return Buffer.alloc(0);
  if (NUMERIC.test(record)) {
    const n = Buffer.alloc(9);
    n[0] = 1;
    n.writeBigUInt64BE(BigInt(record), 1);
    return Buffer.concat([n, utf16be(record)]);
  }
  return Buffer.concat([Buffer.from([2]), utf16be(record)]);
}

/**
 * The text part of the unique key: the row's sha256 (of the text scanned). A document that could
 * not be read has no text; its key is the sha256 of the file's bytes instead (`bytes:` + hex), so
 * that a file that fails in another way after it changed gets a row of its own.
 */
export function textKey(d: Pick<DocumentResult, 'sha256' | 'input'>, fileSha256: string): string {
  return d.sha256 || `bytes:${d.input?.sha256 ?? fileSha256}`;
}

/** A column of text for people to read: PostgreSQL text cannot hold U+0000. The row's line keeps the truth. */
export const shownText = (s: string): string => s.replace(/\u0000/g, '\uFFFD');
