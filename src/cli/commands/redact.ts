import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { prepareJob, readerOptions } from '../../batch/job.js';
import { OutputError } from '../../batch/output.js';
import { rewriteCsv } from '../../batch/readers/csv.js';
import { rewriteJsonl } from '../../batch/readers/jsonl.js';
import { decodeDocument } from '../../batch/readers/text.js';
import { DEFAULT_MAX_BYTES } from '../../batch/results.js';
import type { DocOut } from '../../batch/worker.js';
import { CATEGORIES, RedactionLogSchema, type Category, type RedactionLog, type RedactOperator } from '../../model/index.js';
import { printable, type RedactResult } from '../../report/index.js';
import { toolVersion } from '../../version.js';
import { EXIT, say, UsageError, type CliIo } from '../io.js';
import { batchOptions, loadConfigFor, type ReadingFlags } from './scan.js';

export interface RedactFlags extends ReadingFlags {
  outDir: string;
  categories?: string;
  operator?: RedactOperator;
  config?: string;
}

const sha256 = (s: string | Uint8Array) => createHash('sha256').update(s).digest('hex');

/** Formats whose redacted output is the records in their own format. */
const RECORD_FORMATS: Record<string, 'csv' | 'jsonl'> = { '.csv': 'csv', '.jsonl': 'jsonl' };
/** Formats whose text is the file itself (the output is the same kind of file, as text). */
const TEXT_FORMATS = new Set(['.txt', '.md', '.text']);

/** `--categories thirdParty,safeguarding`: each one checked, in the contract's spelling. */
export function parseCategories(v: string | undefined): Category[] {
  if (v === undefined) return ['thirdParty'];
  const list = v.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = list.filter((c) => !(CATEGORIES as readonly string[]).includes(c));
  if (list.length === 0 || bad.length) throw new UsageError(`--categories takes a comma-separated list of ${CATEGORIES.join(', ')}${bad.length ? `; not a category: ${bad.map((b) => JSON.stringify(printable(b))).join(', ')}` : ''}`);
  return [...new Set(list)] as Category[];
}

/**
 * Where a document's outputs go: DIR/<path as given>. A path that leaves the working folder
 * ("../x.txt", "/abs/x.txt") must not leave DIR: its root is dropped and each ".." becomes "__".
 */
export function outputBase(outDir: string, path: string): string {
  const segs = path
    .replace(/^[a-zA-Z]:/, (d) => d[0])
    .split(/[\\/]+/)
    .filter((s) => s !== '' && s !== '.')
    .map((s) => (s === '..' ? '__' : s));
  return join(outDir, ...segs);
}

interface FileOutcome {
  documents: number;
  redacted: number;
  errors: number;
  byCategory: Record<Category, number>;
}

function writeFile(file: string, text: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  } catch (err) {
    throw new OutputError(`cannot write ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

const isRedacted = (r: DocOut['redaction']): r is RedactResult => !!r && !('error' in r);

/**
 * `redact <paths...> --out-dir DIR`: each document read and scanned as scan reads it, then
 * redacted (affirmed findings of the chosen categories, and every other mention of a redacted
 * person). Writes DIR/<path>.redacted.txt (records in their own format, csv or jsonl; any other
 * input as its text) and DIR/<path>.redaction.json (categories, rules, offsets; no text). A
 * document that could not be read or fully scanned is not written at all, and the run exits 2.
 */
export async function redactCommand(patterns: string[], flags: RedactFlags, io: CliIo): Promise<number> {
  const log = say(io);
  const categories = parseCategories(flags.categories);
  const operator: RedactOperator = flags.operator ?? 'replace';
  const { config } = loadConfigFor(flags, io.cwd);
  const outDir = resolve(io.cwd, flags.outDir);
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (err) {
    throw new UsageError(`cannot create the output folder ${flags.outDir} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const opts = batchOptions({ ...flags, includeText: false }, config, io.cwd);
  // The output folder inside the inputs would be read back as documents on the next run.
  const rel = relative(io.cwd, outDir);
  if (rel && !rel.startsWith('..') && !isAbsolute(rel)) opts.ignore = [...(opts.ignore ?? []), `${rel.split(sep).join('/')}/**`];
  const job = await prepareJob(patterns, opts, { redact: { categories, operator } });
  for (const s of job.skipped) log.err(`skipped ${printable(s.path)}: ${s.reason}`);
  for (const w of job.warnings) log.err(`warning: ${printable(w)}`);
  if (job.matchedFiles === 0) throw new UsageError('no file to redact: every input was skipped');

  // The records' columns and fields, to write each CSV or JSONL record back in its own place.
  const readerOpts = readerOptions(opts, opts.maxBytes ?? DEFAULT_MAX_BYTES);
  const total: FileOutcome = { documents: 0, redacted: 0, errors: 0, byCategory: { thirdParty: 0, safeguarding: 0, sensitive: 0, harm: 0 } };
  let files = 0;

  const finish = (path: string, docs: DocOut[]) => {
    files++;
    const ext = extname(path).toLowerCase();
    const base = outputBase(outDir, path);
    const entry: RedactionLog = {
      path,
      notes: [],
      categories,
      operator,
      lexiconVersion: docs[0]?.doc?.lexiconVersion ?? job.lexiconVersion ?? '',
      version: toolVersion(),
      documents: [],
    };
    for (const d of docs) {
      const doc = d.doc!;
      const r = d.redaction;
      total.documents++;
      const e: RedactionLog['documents'][number] = { ...(doc.record !== undefined ? { record: doc.record } : {}), sha256: doc.sha256, redactions: [], map: [] };
      if (isRedacted(r)) {
        e.redactedSha256 = sha256(r.text);
        e.redactions = r.redactions;
        e.map = r.map;
        total.redacted++;
        for (const x of r.redactions) total.byCategory[x.category]++;
      } else {
        e.error = r?.error ?? doc.error ?? 'not redacted';
        total.errors++;
      }
      entry.documents.push(e);
    }
    const encodings = [...new Set(docs.map((d) => d.doc?.encoding).filter(Boolean))];
    if (encodings.length) entry.notes.push(`the input was ${encodings.join(', ')}; the output is UTF-8`);
    const record = RECORD_FORMATS[ext];
    const single = docs.length === 1 && docs[0].doc!.record === undefined;
    let output: string | undefined;
    if (record && !single) {
      // The records again, in their own format: read the same bytes (checked) and rewrite each record's text.
      const byRecord = new Map(docs.filter((d) => isRedacted(d.redaction)).map((d) => [d.doc!.record!, (d.redaction as RedactResult).text]));
      const expected = docs.find((d) => d.doc?.input)?.doc?.input?.sha256;
      let bytes: Buffer | undefined;
      try {
        bytes = readFileSync(resolve(io.cwd, path));
      } catch {
        bytes = undefined;
      }
      const decoded = bytes && expected === sha256(bytes) ? decodeDocument(bytes) : undefined;
      const rewritten = decoded && 'text' in decoded ? (record === 'csv' ? rewriteCsv : rewriteJsonl)(decoded.text, readerOpts, (rec) => byRecord.get(rec)) : undefined;
      if (!rewritten || 'error' in rewritten) {
        entry.notes.push('the file changed or could not be read again while it was being redacted: nothing was written');
        for (const e of entry.documents) if (!e.error) {
          e.error = 'the file changed while it was being redacted';
          total.errors++;
          total.redacted--;
        }
      } else {
        output = rewritten.text;
        entry.outputFormat = record;
        if (rewritten.omitted.length) entry.notes.push(`${rewritten.omitted.length} record(s) that could not be read or redacted are left out of the output`);
      }
    } else if (single && isRedacted(docs[0].redaction)) {
      output = (docs[0].redaction as RedactResult).text;
      entry.outputFormat = 'text';
      if (!TEXT_FORMATS.has(ext)) entry.notes.push(`read from a ${ext ? ext.slice(1) : 'file without an extension'}: the output is the text extracted from it, redacted, not a ${ext ? ext.slice(1) : 'copy'} file; offsets are into that text`);
    }
    if (output !== undefined) {
      writeFile(`${base}.redacted.txt`, output);
      entry.output = relative(outDir, `${base}.redacted.txt`).split(sep).join('/');
    }
    writeFile(`${base}.redaction.json`, JSON.stringify(RedactionLogSchema.parse(entry), null, 2) + '\n');
  };

  let current: string | undefined;
  let group: DocOut[] = [];
  for await (const e of job.run()) {
    if (current !== undefined && e.meta.path !== current) {
      finish(current, group);
      group = [];
    }
    current = e.meta.path;
    group.push(e);
  }
  if (current !== undefined) finish(current, group);

  const cats = categories.map((c) => `${c} ${total.byCategory[c]}`).join(', ');
  log.err(`redacted ${total.redacted} of ${total.documents} documents from ${files} files into ${printable(flags.outDir)}: ${cats}${total.errors ? `; ${total.errors} not redacted (errors: see their .redaction.json)` : ''}`);
  return total.errors ? EXIT.error : EXIT.ok;
}
