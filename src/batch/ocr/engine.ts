/**
 * OCR with tesseract.js, offline: the English LSTM data comes from the installed
 * `@tesseract.js-data/eng` package (never a CDN) and nothing is cached to the working directory.
 * One engine holds one tesseract worker and reuses it; a page that runs past its time limit
 * terminates that worker (its pending promise would never settle) and the next page gets a
 * fresh one. Runs only inside a reader child process (see reader-host.ts): tesseract's WASM
 * memory is outside any V8 heap limit.
 */
import { access, constants } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
type Tesseract = typeof import('tesseract.js');
type Worker = import('tesseract.js').Worker;

/** LSTM-only English data: the same accuracy as the 11 MB legacy+LSTM file here, a quarter of the size. */
function engDir(): string {
  return join(dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');
}

export class OcrTimeoutError extends Error {
  override name = 'OcrTimeoutError';
}

export interface OcrPage {
  text: string;
  /** tesseract's mean word confidence, 0-100 */
  confidence: number;
}

export class OcrEngine {
  private worker: Worker | undefined;
  private tesseract: Tesseract | undefined;

  private async spawn(): Promise<Worker> {
    this.tesseract ??= require('tesseract.js') as Tesseract;
    const T = this.tesseract;
    const dir = engDir();
    // A missing data file makes createWorker wait for ever (it reports only to errorHandler).
    await access(join(dir, 'eng.traineddata.gz'), constants.R_OK);
    let failInit: (e: Error) => void = () => undefined;
    const failed = new Promise<never>((_, reject) => {
      failInit = reject;
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the OCR engine did not start within 60 s')), 60_000);
    });
    try {
      const w = await Promise.race([
        T.createWorker('eng', T.OEM.LSTM_ONLY, {
          langPath: dir,
          cacheMethod: 'none',
          gzip: true,
          // Without one, a failed page throws inside tesseract's message handler and ends the process.
          errorHandler: (err: unknown) => failInit(new Error(String(err))),
        }),
        failed,
        timedOut,
      ]);
      await w.setParameters({ tessedit_pageseg_mode: T.PSM.AUTO });
      return w;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * OCR one page image (PNG, JPEG or 8-bit PGM bytes). `dpi` is the resolution to assume (0: from
   * the image). Skewed scans lose whole blocks without deskewing, with no drop in confidence, so
   * every page is deskewed (rotateAuto).
   */
  async recognize(image: Buffer, opts: { dpi?: number; timeoutMs: number }): Promise<OcrPage> {
    this.worker ??= await this.spawn();
    const w = this.worker;
    // The dpi setting stays on the worker: set it for every page.
    await w.setParameters({ user_defined_dpi: String(opts.dpi ?? 0) });
    let timer: NodeJS.Timeout | undefined;
    try {
      const { data } = await Promise.race([
        w.recognize(image, { rotateAuto: true }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new OcrTimeoutError(`OCR of a page took more than ${Math.round(opts.timeoutMs / 1000)} s`)), opts.timeoutMs);
        }),
      ]);
      return { text: data.text.normalize('NFKC'), confidence: data.confidence };
    } catch (err) {
      // A worker that timed out or failed is not used again.
      this.worker = undefined;
      await w.terminate().catch(() => undefined);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate().catch(() => undefined);
  }
}

/** 8-bit greyscale PNM (P5) from RGBA: leptonica reads it directly, and it costs far less than PNG. */
export function rgbaToPgm(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Buffer {
  const header = Buffer.from(`P5\n${width} ${height}\n255\n`, 'ascii');
  const out = Buffer.allocUnsafe(header.length + width * height);
  header.copy(out, 0);
  for (let i = 0, j = header.length; i < rgba.length; i += 4, j++) out[j] = (rgba[i] * 77 + rgba[i + 1] * 150 + rgba[i + 2] * 29) >> 8;
  return out;
}
