/** The ground floor: the shapes every other layer speaks, validated with zod. Imports nothing of ours. */
export * from './categories.js';
export * from './result.js';
export * from './document.js';
export * from './errors.js';
export * from './policy.js';
export * from './decision.js';
export * from './redaction.js';
