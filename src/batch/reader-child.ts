/**
 * A reader child process: reads the heavy formats (docx, pdf, images, OCR) for one pool worker,
 * one file at a time, and sends back their text. It runs apart from the pool so that whatever
 * a hostile file does here (a V8 fatal error in pdf.js, WASM memory past any heap limit, a
 * hang) ends this process only: the host (reader-host.ts) names the file, and the run goes on.
 * Its stdout is never the run's stdout.
 */
import { OcrEngine } from './ocr/engine.js';
import { readHeavy } from './readers/heavy.js';
import type { ReadDocument } from './readers/types.js';

export interface ReadJob {
  type: 'read';
  id: number;
  ext: string;
  bytes: Uint8Array;
  ocr: boolean;
  pageTimeoutMs: number;
  maxInflatedBytes: number;
}

export type FromReader = { type: 'ready' } | { type: 'progress'; id: number } | { type: 'done'; id: number; docs: ReadDocument[] };

export function startReaderChild(): void {
  if (!process.send) return;
  const send = (m: FromReader) => process.send!(m);
  const engine = new OcrEngine();
  let chain = Promise.resolve();
  process.on('message', (job: ReadJob) => {
    if (job?.type !== 'read') return;
    chain = chain.then(async () => {
      const docs = await readHeavy(job.ext, job.bytes, {
        ocr: job.ocr ? engine : undefined,
        pageTimeoutMs: job.pageTimeoutMs,
        maxInflatedBytes: job.maxInflatedBytes,
        onProgress: () => send({ type: 'progress', id: job.id }),
      });
      send({ type: 'done', id: job.id, docs });
      // Canvases and pdf.js pages hold native memory behind small JS objects, which V8 alone
      // would collect late: collect now, between files.
      (globalThis as { gc?: () => void }).gc?.();
    });
  });
  // The host went away (it closed, or its process died): nothing more to do here.
  process.on('disconnect', () => {
    void engine.close().finally(() => process.exit(0));
  });
  send({ type: 'ready' });
}

if (process.env.SAFEGUARD_SCAN_ROLE === 'reader') startReaderChild();
