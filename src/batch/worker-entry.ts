/** Worker entry used when running from TypeScript sources (tests, tsx); the built bundles start workers from pool.ts. */
import { isPoolThread, startWorker } from './worker.js';

if (isPoolThread()) startWorker();
