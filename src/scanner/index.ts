export { createScanner, scan, detectContext, defaultScanner, ScannerOptionsSchema, DEFAULT_MAX_LENGTH, type Scanner, type ScannerOptions } from './create.js';
export { analyse, match, withContext, runRules, score, assemble } from './pipeline.js';
