import { z } from 'zod';

/**
 * Reading back the jsonl files the tool writes (results, decisions): each line validated, every
 * problem named by file, line and field, and no value ever quoted (it could be record text).
 */

/** A jsonl input (decisions, results) that cannot be used: the message names the file, the line and the field, never a value. */
export class InputFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputFileError';
  }
}

/** A zod issue in words that never quote the value (a note or a path could be record text). */
export function describeIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.map(String).join('.');
  let why: string;
  switch (issue.code) {
    case 'invalid_type':
      why = `must be ${issue.expected === 'string' ? 'a string' : issue.expected === 'number' ? 'a number' : issue.expected === 'object' ? 'an object' : issue.expected === 'array' ? 'an array' : issue.expected}`;
      if ((issue as { input?: unknown }).input === undefined) why = 'is missing';
      break;
    case 'invalid_value':
      why = `must be one of ${(issue as { values: unknown[] }).values.map((v) => JSON.stringify(v)).join(', ')}`;
      break;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k.length > 40 ? `${k.slice(0, 37)}...` : k)).join(', ')}`;
    case 'invalid_format':
    case 'too_big':
    case 'too_small':
    case 'custom':
      why = issue.message;
      break;
    default:
      why = 'is not valid';
  }
  return field ? `field "${field}" ${why}` : why;
}

/**
 * One JSON line of a jsonl input, validated: a problem names the file, the line and the field.
 * Blank lines are skipped (undefined).
 */
export function parseJsonlLine<T>(schema: z.ZodType<T>, line: string, n: number, file: string): T | undefined {
  if (line.trim() === '') return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    throw new InputFileError(`${file} line ${n}: not valid JSON`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new InputFileError(`${file} line ${n}: not a JSON object`);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new InputFileError(`${file} line ${n}: ${parsed.error.issues.slice(0, 3).map(describeIssue).join('; ')}`);
  return parsed.data;
}
