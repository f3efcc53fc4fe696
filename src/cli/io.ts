import { readFileSync } from 'node:fs';

/**
 * Where a command's output goes and where it runs: the process's own streams and working
 * directory, or (in tests, and for hosts that embed the CLI) any others. Commands never touch
 * process.stdout, process.stderr or process.cwd() themselves.
 */
export interface OutStream {
  write(s: string): unknown;
  isTTY?: boolean;
  /** for errors such as EPIPE and ENOSPC on stdout */
  on?(event: 'error', listener: (err: NodeJS.ErrnoException) => void): unknown;
}

export interface CliIo {
  stdout: OutStream;
  stderr: OutStream;
  /** standard input, read whole (check without a text) */
  readStdin(): Buffer;
  cwd: string;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    readStdin: () => readFileSync(0),
    cwd: process.cwd(),
  };
}

/** Line helpers: a message a line, on the right stream. */
export const say = (io: CliIo) => ({ out: (s: string) => io.stdout.write(s + '\n'), err: (s: string) => io.stderr.write(s + '\n') });

/** Thrown for bad usage or unreadable input: exit code 2 with a one-line message. */
export class UsageError extends Error {}

/**
 * Exit codes (DESIGN.md): 0 done, nothing at or above --fail-on; 1 documents at or above it;
 * 2 bad usage, bad lexicon or config, unreadable input or an I/O failure (2 wins over 1; a
 * resumed run answers for the whole job). A run stopped by SIGINT exits 130, by SIGTERM 143
 * (128 + the signal number, as shells do), after flushing every finished document.
 */
export const EXIT = { ok: 0, failOn: 1, error: 2, sigint: 130, sigterm: 143 } as const;
