import { inflateRawSync } from 'node:zlib';

/**
 * A small, bounded ZIP reader for Office files (docx): it reads the central directory, and
 * inflates only the entries asked for, each with a hard cap on its inflated size (zlib's
 * `maxOutputLength`), so a zip bomb (a small file whose XML inflates to gigabytes) stops at the
 * cap in bounded time and memory instead of filling them. Archives that are not plain ZIP
 * (ZIP64, encryption, multi-disk), that hold too many entries, or whose entry names try path
 * tricks (`..`, absolute paths, backslashes, the same name twice) are refused: they are never
 * what a clinical system writes.
 */

export interface ZipLimits {
  /** most entries in the central directory */
  maxEntries: number;
  /** most bytes inflated in all, over every entry read */
  maxTotalBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxEntries: 2000, maxTotalBytes: 256 * 1024 * 1024 };

/** The archive cannot be read safely; the message is fixed wording, never the file's content. */
export class ZipError extends Error {
  override name = 'ZipError';
}

interface Entry {
  name: string;
  method: number;
  compressedSize: number;
  localOffset: number;
  flags: number;
}

const EOCD_SIG = 0x06054b50;
const CEN_SIG = 0x02014b50;
const LOC_SIG = 0x04034b50;

function findEnd(buf: Buffer): number {
  // The end record is at least 22 bytes and may be followed by a comment of up to 65,535.
  const stop = Math.max(0, buf.length - 22 - 0xffff);
  for (let i = buf.length - 22; i >= stop; i--) if (buf.readUInt32LE(i) === EOCD_SIG) return i;
  throw new ZipError('not a ZIP archive (no end of central directory)');
}

export class ZipArchive {
  private readonly entries = new Map<string, Entry>();
  private inflated = 0;

  constructor(
    private readonly buf: Buffer,
    private readonly limits: ZipLimits = DEFAULT_ZIP_LIMITS,
  ) {
    const end = findEnd(buf);
    const disk = buf.readUInt16LE(end + 4);
    const count = buf.readUInt16LE(end + 10);
    const size = buf.readUInt32LE(end + 12);
    const offset = buf.readUInt32LE(end + 16);
    if (disk !== 0) throw new ZipError('multi-disk ZIP archives are not read');
    if (count === 0xffff || offset === 0xffffffff) throw new ZipError('ZIP64 archives are not read');
    if (count > limits.maxEntries) throw new ZipError(`the archive has ${count} entries, more than the limit of ${limits.maxEntries}`);
    if (offset + size > end) throw new ZipError('the central directory lies outside the file');
    let p = offset;
    for (let k = 0; k < count; k++) {
      if (p + 46 > buf.length || buf.readUInt32LE(p) !== CEN_SIG) throw new ZipError('a central directory record is broken');
      const flags = buf.readUInt16LE(p + 8);
      const method = buf.readUInt16LE(p + 10);
      const compressedSize = buf.readUInt32LE(p + 20);
      const nameLen = buf.readUInt16LE(p + 28);
      const extraLen = buf.readUInt16LE(p + 30);
      const commentLen = buf.readUInt16LE(p + 32);
      const localOffset = buf.readUInt32LE(p + 42);
      const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
      if (/^[/\\]|\\|(^|\/)\.\.(\/|$)|^[a-zA-Z]:/.test(name) || name.includes('\0')) throw new ZipError('an entry name tries to leave the archive (absolute path, backslash or "..")');
      if (this.entries.has(name)) throw new ZipError('two entries have the same name');
      this.entries.set(name, { name, method, compressedSize, localOffset, flags });
      p += 46 + nameLen + extraLen + commentLen;
    }
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The entry's bytes, inflated; undefined when there is no such entry. Counts against the total limit. */
  read(name: string): Buffer | undefined {
    const e = this.entries.get(name);
    if (!e) return undefined;
    if (e.flags & 1) throw new ZipError('the archive is encrypted');
    const p = e.localOffset;
    if (p + 30 > this.buf.length || this.buf.readUInt32LE(p) !== LOC_SIG) throw new ZipError('a local file header is broken');
    const start = p + 30 + this.buf.readUInt16LE(p + 26) + this.buf.readUInt16LE(p + 28);
    const end = start + e.compressedSize;
    if (end > this.buf.length) throw new ZipError('an entry runs past the end of the file');
    const raw = this.buf.subarray(start, end);
    const budget = this.limits.maxTotalBytes - this.inflated;
    let out: Buffer;
    if (e.method === 0) out = Buffer.from(raw);
    else if (e.method === 8) {
      try {
        out = inflateRawSync(raw, { maxOutputLength: Math.max(1, budget) });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError)
          throw new ZipError(`the archive inflates to more than ${this.limits.maxTotalBytes} bytes (a zip bomb?)`);
        throw new ZipError('an entry is not valid deflate data');
      }
    } else throw new ZipError(`an entry uses compression method ${e.method}, which is not read`);
    this.inflated += out.length;
    if (this.inflated > this.limits.maxTotalBytes) throw new ZipError(`the archive inflates to more than ${this.limits.maxTotalBytes} bytes (a zip bomb?)`);
    return out;
  }
}
