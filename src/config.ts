/**
 * `safeguard-scan.config.json`: found from the working directory upward, or named with
 * `--config FILE`. Validated strictly: an unknown key is an error naming the key and the file.
 * Paths in it (lexicons, patients) are relative to the file's own folder. Flags override it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import fg from 'fast-glob';
import { z } from 'zod';
import { ThresholdsSchema } from './schemas.js';

export const CONFIG_FILE = 'safeguard-scan.config.json';
export const OUTPUT_FORMATS = ['stylish', 'json', 'jsonl', 'csv', 'sarif', 'html'] as const;
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
    /** patient manifest CSV (path,name,nhsNumber,dateOfBirth), relative to the config file */
    patients: z.string().min(1).optional(),
    concurrency: z.number().int().positive().optional(),
    maxBytes: z.number().int().positive().optional(),
    format: z.enum(OUTPUT_FORMATS).optional(),
    /** record files: as the --text-column etc. flags */
    textColumn: column.optional(),
    idColumn: column.optional(),
    patientNameColumn: column.optional(),
    nhsNumberColumn: column.optional(),
    textField: column.optional(),
    idField: column.optional(),
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

/** Read and validate a config file; paths in it are made absolute (relative to the file's folder). */
export function loadConfig(file: string): Config {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(file, code ? `cannot read it (${code})` : `not valid JSON (${(err as Error).message})`);
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? issue.path.join('.') : '';
    if (issue.code === 'unrecognized_keys') {
      const keys = (issue as { keys: string[] }).keys;
      throw new ConfigError(file, `unknown key ${keys.map((k) => `"${where ? where + '.' : ''}${k}"`).join(', ')}`);
    }
    throw new ConfigError(file, `${where ? `"${where}": ` : ''}${issue.message}`);
  }
  const c = parsed.data;
  const base = dirname(resolve(file));
  if (c.lexicons) c.lexicons = c.lexicons.map((g) => (isAbsolute(g) ? g : fg.convertPathToPattern(base) + '/' + g.replace(/\\/g, '/')));
  if (c.patients && !isAbsolute(c.patients)) c.patients = resolve(base, c.patients);
  return c;
}
