// Deep import: natural's root pulls in database drivers and dotenv (see DESIGN.md).
// @ts-expect-error natural ships no types for this deep path
import porter from 'natural/lib/natural/stemmers/porter_stemmer.js';

const stemmer = porter as { stem(word: string): string };

// Porter runs at a few MB/s; clinical text repeats a small vocabulary, so a bounded cache
// makes stemming nearly free. The bound keeps a hostile input of unique tokens from growing it.
const MAX_CACHE = 80_000;
const cache = new Map<string, string>();

/** Porter stem of a lower-cased word, cached. Non-alphabetic tokens stem to themselves. */
export function stem(lower: string): string {
  const hit = cache.get(lower);
  if (hit !== undefined) return hit;
  // Porter is super-linear on very long strings and no real word is this long. What is not a
  // word stems to itself, uncached: numbers and codes would fill the cache and push words out.
  if (lower.length < 3 || lower.length > 40 || !/^[a-z][a-z']*$/.test(lower)) return lower;
  let s: string;
  try {
    s = stemmer.stem(lower);
  } catch {
    s = lower;
  }
  if (cache.size >= MAX_CACHE) cache.clear();
  cache.set(lower, s);
  return s;
}

/** Every word stemmed so far (for the build to store the lexicons' stems with them). */
export function knownStems(): Record<string, string> {
  return Object.fromEntries(cache);
}

/**
 * Stems computed ahead (by the build, with this same stemmer) for the lexicons' own words:
 * a new scanner then compiles its terms without running Porter on each one.
 */
export function seedStems(stems: Record<string, string>): void {
  for (const [word, s] of Object.entries(stems)) if (cache.size < MAX_CACHE && typeof s === 'string') cache.set(word, s);
}
