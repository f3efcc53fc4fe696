import type { Scanner } from '../../src/index.js';

export type Mod = 'negated' | 'uncertain' | 'hypothetical' | 'historical';

/**
 * ConText for the first occurrence of `target` in `text` (`ctx`), and which of the modifiers
 * `of` are on (`mods`), in that order: the context tables' two look-ups.
 */
export function contextOf(scanner: Scanner, of: readonly Mod[] = ['negated', 'uncertain', 'hypothetical', 'historical']) {
  const ctx = (text: string, target: string) => {
    const start = text.indexOf(target);
    if (start < 0) throw new Error(`target not in text: ${target}`);
    return scanner.detectContext(text, { start, end: start + target.length });
  };
  const mods = (text: string, target: string): Mod[] => {
    const c = ctx(text, target);
    return of.filter((m) => c[m]);
  };
  return { ctx, mods };
}
