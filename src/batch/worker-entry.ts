/** Worker entry used when running from TypeScript sources (tests, tsx); the built bundles start workers from pool.ts. */
import { isScanWorker, startWorker } from './worker.js';

if (isScanWorker()) startWorker();
