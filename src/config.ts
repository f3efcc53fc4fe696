/**
 * `safeguard-scan.config.json`: found from the working directory upward, or named with
 * `--config FILE`. Validated strictly: an unknown key is an error naming the key and the file.
 * Paths in it (lexicons, patients) are relative to the file's own folder. Flags override it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import type FastGlob from 'fast-glob';
import { z } from 'zod';
import { ThresholdsSchema } from './model/index.js';
import { thresholdProblems } from './score/floors.js';

// Loaded on first use, not at import: importing the package (or starting a worker) should not pay for
// libraries that scanning a text never needs (cold start, issue 17).
const requireHere = createRequire(import.meta.url);
let fastGlobModule: typeof FastGlob | undefined;
const fastGlob = (): typeof FastGlob => (fastGlobModule ??= requireHere('fast-glob') as typeof FastGlob);

export const CONFIG_FILE = 'safeguard-scan.config.json';
export const OUTPUT_FORMATS = ['stylish', 'json', 'jsonl', 'csv', 'sarif', 'html', 'fhir'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

const column = z.string().min(1);

export const ConfigSchema = z
  .object({
    /** for editors */
    $schema: z.string().optional(),
    /** extra lexicon files or globs, relative to the config file */
    lexicons: z.array(z.string().min(1)).optional(),
    /** verdict thresholds (stricter is always allowed) */
    thresholds: ThresholdsSchema.optional(),
    failOn: z.enum(['review', 'withhold']).optional(),
    /** globs of files to leave out (relative to the working directory, as --ignore) */
    ignore: z.array(z.string().min(1)).optional(),
    /** patient manifest CSV (path,name,nhsNumber,dateOfBirth[,sex]), relative to the config file */
    patients: z.string().min(1).optional(),
    concurrency: z.number().int().positive().optional(),
    maxBytes: z.number().int().positive().optional(),
    format: z.enum(OUTPUT_FORMATS).optional(),
    /** OCR scanned pages and images (default true) */
    ocr: z.boolean().optional(),
    /** record files: as the --text-column etc. flags */
    textColumn: column.optional(),
    idColumn: column.optional(),
    patientNameColumn: column.optional(),
    nhsNumberColumn: column.optional(),
    textField: column.optional(),
    idField: column.optional(),
    /** the queue (enqueue, worker): how long a job may run before another worker takes it over, and how often a file is tried */
    queue: z
      .object({
        /** a job still running after this many seconds is given to another worker (its worker is taken to have died); pg-boss allows under 24 hours */
        jobTimeoutSeconds: z.number().int().min(1).max(86_399).optional(),
        /** a file whose worker dies (or times out) this many times becomes an error row, verdict review */
        tries: z.number().int().min(1).max(10).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'ConfigError';
  }
}

/** The nearest safeguard-scan.config.json from `cwd` upward, if any. */
export function findConfig(cwd = process.cwd()): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    const f = join(dir, CONFIG_FILE);
    if (existsSync(f)) return f;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** The 1-based line where a key path's last key first appears in the JSON text (after its parents), if found. */
function lineOfKey(text: string, path: (string | number)[]): number | undefined {
  let at = 0;
  for (const k of path) {
    if (typeof k !== 'string') continue;
    const i = text.indexOf(JSON.stringify(k), at);
    if (i < 0) return undefined;
    at = i;
  }
  return path.length ? text.slice(0, at).split('\n').length : undefined;
}

/**
 * Read and validate a config file; paths in it are made absolute (relative to the file's
 * folder). Every problem is reported at once, each with its line and field; thresholds that
 * would put what POLICY.md withholds below withhold are refused.
 */
export function loadConfig(file: string): Config {
  let raw: unknown;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, `cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    raw = JSON.parse(text);
  } catch (err) {
    // JSON.parse's message quotes the text near the error: give only where it is.
    const pos = /position (\d+)/.exec((err as Error).message);
    const line = pos ? text.slice(0, Number(pos[1])).split('\n').length : undefined;
    throw new ConfigError(file, `not valid JSON${line ? ` (line ${line})` : ''}`);
  }
  const parsed = ConfigSchema.safeParse(raw);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)) as (string | number)[];
      const where = path.join('.');
      if (issue.code === 'unrecognized_keys') {
        for (const k of (issue as { keys: string[] }).keys) {
          const line = lineOfKey(text, [...path, k]);
          problems.push(`${line ? `line ${line}, ` : ''}unknown key "${where ? where + '.' : ''}${k}"`);
        }
        continue;
      }
      const line = lineOfKey(text, path);
      problems.push(`${line ? `line ${line}, ` : ''}${where ? `field "${where}": ` : ''}${issue.message}`);
    }
  } else {
    for (const p of thresholdProblems(parsed.data.thresholds)) {
      const line = lineOfKey(text, p.field.split('.'));
      problems.push(`${line ? `line ${line}, ` : ''}field "${p.field}": ${p.message}`);
    }
  }
  if (problems.length) throw new ConfigError(file, problems.join('; '));
  const c = parsed.data!;
  const base = dirname(resolve(file));
  if (c.lexicons) c.lexicons = c.lexicons.map((g) => (isAbsolute(g) ? g : fastGlob().convertPathToPattern(base) + '/' + g.replace(/\\/g, '/')));
  if (c.patients && !isAbsolute(c.patients)) c.patients = resolve(base, c.patients);
  return c;
}
