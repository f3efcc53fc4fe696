/** The scan worker thread's entry: built as dist/worker.js for the bundles, and run through tsx from the sources (pool.ts, workerSource). */
import { isPoolThread, startWorker } from './worker.js';

if (isPoolThread()) startWorker();
