/**
 * Required literals: words every match of a pattern must contain, read from its source.
 *
 * The prefilter (prefilter.ts) knows where a pattern may open; most openings are common ("the ",
 * a digit, "son") and well under 1% of the tries match. Most patterns also name words a match
 * must contain further on ("history" after "2 week", "money" after "son"). Each pattern's source
 * is read here for those, as clauses: every match contains at least one literal of each clause.
 * The prefilter then tries a pattern at an opening only when each of its clauses has a literal
 * within the longest match the pattern can make from there.
 *
 * Sound by construction: a part the reader does not understand contributes no literal, and a
 * pattern it cannot read at all gets no clauses (it is tried as before). Each clause also
 * has a reach: how far from the start of a match one of its literals has ended, at most (the
 * longest the pattern's parts before it and the literal itself can be), so a common opening
 * ("the ") is tried only where the word it needs ("mother") follows close enough, even for a
 * pattern whose whole match has no bound. Literals are runs of
 * ASCII letters, lower case. A case-insensitive Unicode regex matches an ASCII letter only with
 * its other case and, for "s" and "k", U+017F and U+212A (fold); and the tokeniser never splits
 * a run of letters, so a literal inside a match is inside one token's text.
 */

/** What every match of a pattern must contain, and how long a match can be. */
export interface Required {
  /** each clause: at least one of its literals (lower-case ASCII letters) is inside every match */
  clauses: string[][];
  /** by clause: in every match, one of its literals ends at most this far from the match's start */
  reach: MaxLen[];
  /** the longest match (UTF-16 code units) is at most `fixed` + `runs` x the longest white-space run */
  maxLen: MaxLen;
}

/** A bound on a match's length: `fixed` (Infinity when unbounded) + `runs` white-space runs. */
export interface MaxLen {
  fixed: number;
  runs: number;
}

/** A part of a pattern, as far as the reading goes. */
interface Info {
  /** every string of letters the part can match (lower case), when few and all letters */
  exact?: string[];
  /** clauses every match of the part satisfies */
  clauses: Clause[];
  /** longest match: fixed code units plus `runs` white-space runs (see MaxLen) */
  max: number;
  runs: number;
  /** it matches white space only (so a repeat of it is one white-space run at most) */
  space: boolean;
}

/** A clause as read: its literals, and its reach from the start of the part that has it. */
interface Clause {
  lits: string[];
  reach: MaxLen;
}

/** The clause c of a part that starts at most `offset` into the whole. */
const shifted = (c: Clause, offset: MaxLen): Clause => ({ lits: c.lits, reach: { fixed: offset.fixed + c.reach.fixed, runs: offset.runs + c.reach.runs } });

/** A part's own strings as a clause: they are its whole match, so they end by its end. */
const whole = (lits: string[], i: { max: number; runs: number }): Clause => ({ lits, reach: { fixed: i.max, runs: i.runs } });

// Sets of strings are read out in full up to this many; beyond it a part is only "unknown".
const EXACT_CAP = 64;
// Clauses kept per pattern (the most selective), and their literals' shortest useful length.
const MAX_CLAUSES = 3;
export const MIN_LITERAL = 2;

class Unreadable extends Error {}

const ZERO: Info = { exact: [''], clauses: [], max: 0, runs: 0, space: true };
/** One character that is no literal: `width` code units at most; white space or not. */
const char = (width: number, space = false): Info => ({ clauses: [], max: width, runs: 0, space });
const letters = (xs: string[]): Info => ({ exact: xs, clauses: [], max: 1, runs: 0, space: false });
// A character the reader does not know: at most a surrogate pair.
const ANY_CHAR = char(2);

const isLetter = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
// JavaScript's \s, ASCII part (the rest is not ASCII, so never a literal's character either).
const isAsciiSpace = (c: string) => c === ' ' || (c >= '\t' && c <= '\r');

/** A single character as written in a pattern. */
function plain(c: string): Info {
  if (isLetter(c)) return letters([c.toLowerCase()]);
  if (isAsciiSpace(c)) return char(1, true);
  return c.charCodeAt(0) < 128 ? char(1) : ANY_CHAR;
}

function cross(a: string[], b: string[]): string[] | undefined {
  if (a.length * b.length > EXACT_CAP) return undefined;
  const out = new Set<string>();
  for (const x of a) for (const y of b) out.add(x + y);
  return [...out];
}

function union(a: string[], b: string[]): string[] | undefined {
  const out = new Set([...a, ...b]);
  return out.size > EXACT_CAP ? undefined : [...out];
}

/** A set of strings as a clause, when none is empty. */
const asClause = (xs: string[] | undefined): string[] | undefined => (xs && xs.length && !xs.includes('') ? xs : undefined);

/**
 * A clause's selectivity, roughly: its shortest literal's length (up to a point: beyond it
 * any literal is rare), then fewer literals.
 */
function score(c: string[]): number {
  let min = Infinity;
  for (const x of c) min = Math.min(min, x.length);
  return Math.min(min, 6) * 1000 - c.length;
}

function bestClause(i: Info): Clause | undefined {
  const own = asClause(i.exact);
  let pick = own && whole(own, i);
  for (const c of i.clauses) if (!pick || score(c.lits) > score(pick.lits)) pick = c;
  return pick;
}

/** A recursive-descent reading of a JavaScript regex source (u flag), for literals and length. */
class Reader {
  private i = 0;
  constructor(private readonly s: string) {}

  read(): Info {
    const info = this.alternatives();
    if (this.i < this.s.length) throw new Unreadable();
    return info;
  }

  private alternatives(): Info {
    const alts = [this.sequence()];
    while (this.s[this.i] === '|') {
      this.i++;
      alts.push(this.sequence());
    }
    if (alts.length === 1) return alts[0];
    let exact: string[] | undefined = alts[0].exact;
    for (const a of alts.slice(1)) exact = exact && a.exact ? union(exact, a.exact) : undefined;
    // One clause for the whole: the union of a clause of each alternative, reaching as far as the farthest.
    const picks = alts.map(bestClause);
    const clauses: Clause[] = [];
    if (picks.every((p) => p)) {
      const ps = picks as Clause[];
      const reach = { fixed: Math.max(...ps.map((p) => p.reach.fixed)), runs: Math.max(...ps.map((p) => p.reach.runs)) };
      clauses.push({ lits: [...new Set(ps.flatMap((p) => p.lits))], reach });
    }
    return {
      exact,
      clauses,
      max: Math.max(...alts.map((a) => a.max)),
      runs: Math.max(...alts.map((a) => a.runs)),
      space: alts.every((a) => a.space),
    };
  }

  private sequence(): Info {
    const clauses: Clause[] = [];
    let run: string[] | undefined = [''];
    let isWhole = true;
    const out = { max: 0, runs: 0, space: true };
    // A run of letters ends where the part after it starts.
    const add = (c: string[] | undefined, end: MaxLen) => {
      if (c && c.length && !c.includes('')) clauses.push({ lits: c, reach: end });
    };
    // Letters read one by one are kept as a string until something else comes (cheaper).
    let letters = '';
    const settle = () => {
      if (letters) run = run && run.map((x) => x + letters);
      letters = '';
    };
    while (this.i < this.s.length && this.s[this.i] !== '|' && this.s[this.i] !== ')') {
      // The part starts at most this far into the sequence.
      const before: MaxLen = { fixed: out.max, runs: out.runs };
      const part = this.quantified();
      out.max += part.max;
      out.runs += part.runs;
      out.space &&= part.space;
      for (const c of part.clauses) clauses.push(shifted(c, before));
      // Consecutive parts of letters join into longer literals ("child" "ren"? -> "child",
      // "children"); anything else ends the literal.
      if (run && part.exact?.length === 1) {
        letters += part.exact[0];
        continue;
      }
      settle();
      const joined: string[] | undefined = run && part.exact ? cross(run, part.exact) : undefined;
      if (joined) run = joined;
      else {
        isWhole = false;
        add(run, before);
        run = part.exact ?? [''];
      }
    }
    settle();
    add(run, { fixed: out.max, runs: out.runs });
    return { exact: isWhole ? run : undefined, clauses, ...out };
  }

  private quantified(): Info {
    const atom = this.atom();
    const q = this.quantifier();
    if (!q) return atom;
    let max: number;
    let runs: number;
    if (q.max === Infinity && atom.space) {
      // A repeat of white space lies within one run of it.
      max = 0;
      runs = 1;
    } else {
      max = atom.max === 0 && atom.runs === 0 ? 0 : q.max === Infinity ? Infinity : atom.max * q.max;
      runs = atom.runs * (q.max === Infinity ? 0 : q.max);
    }
    const space = atom.space;
    if (q.min === 0) {
      // May be absent: nothing is required, and only "once or not at all" is read out.
      const exact = q.max === 1 && atom.exact ? union(atom.exact, ['']) : undefined;
      return { exact, clauses: [], max, runs, space };
    }
    // The first repeat starts where the part does: what it must contain, the part must, as soon.
    const own = asClause(atom.exact);
    const clauses = own ? [...atom.clauses, whole(own, atom)] : atom.clauses;
    let exact: string[] | undefined;
    if (atom.exact && q.max <= 3) {
      let k = 1;
      let pow: string[] | undefined = atom.exact;
      let all: string[] | undefined = q.min === 1 ? atom.exact : [];
      while (pow && all && k < q.max) {
        pow = cross(pow, atom.exact);
        k++;
        if (pow && k >= q.min) all = union(all, pow);
      }
      exact = pow ? all : undefined;
    }
    return { exact, clauses, max, runs, space };
  }

  private quantifier(): { min: number; max: number } | undefined {
    const s = this.s;
    const c = s[this.i];
    let q: { min: number; max: number } | undefined;
    if (c === '?') q = { min: 0, max: 1 };
    else if (c === '*') q = { min: 0, max: Infinity };
    else if (c === '+') q = { min: 1, max: Infinity };
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(s.slice(this.i, this.i + 24));
      if (!m) throw new Unreadable();
      const min = Number(m[1]);
      q = { min, max: m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]) };
      if (q.max < q.min) throw new Unreadable();
      this.i += m[0].length - 1;
    }
    if (!q) return undefined;
    this.i++;
    if (s[this.i] === '?') this.i++; // lazy: the same strings
    return q;
  }

  private atom(): Info {
    const s = this.s;
    const c = s[this.i];
    if (c === '(') return this.group();
    if (c === '[') return this.charClass();
    if (c === '\\') return this.escape();
    this.i++;
    if (c === '^' || c === '$') return ZERO;
    if (c === '.') return ANY_CHAR;
    if (c === '*' || c === '+' || c === '?' || c === '{') throw new Unreadable();
    return plain(c);
  }

  private group(): Info {
    const s = this.s;
    let lookaround = false;
    if (s.startsWith('(?:', this.i)) this.i += 3;
    else if (s.startsWith('(?=', this.i) || s.startsWith('(?!', this.i)) {
      this.i += 3;
      lookaround = true;
    } else if (s.startsWith('(?<=', this.i) || s.startsWith('(?<!', this.i)) {
      this.i += 4;
      lookaround = true;
    } else if (s.startsWith('(?<', this.i)) {
      const end = s.indexOf('>', this.i);
      if (end < 0 || !/^[A-Za-z_$][\w$]*$/.test(s.slice(this.i + 3, end))) throw new Unreadable();
      this.i = end + 1;
    } else if (s[this.i + 1] === '?') throw new Unreadable();
    else this.i++;
    const inner = this.alternatives();
    if (s[this.i] !== ')') throw new Unreadable();
    this.i++;
    // A lookaround consumes nothing: what it looks at need not be inside the match.
    return lookaround ? ZERO : inner;
  }

  private escape(): Info {
    const e = this.escapeBody();
    if (e === 'zero') return ZERO;
    // A back-reference repeats a group: its length is not known here.
    if (e === 'backref') return { clauses: [], max: Infinity, runs: 0, space: false };
    return e;
  }

  /** The escape at i, consumed whole: what it matches, 'zero' for \b and \B, or 'backref'. */
  private escapeBody(): Info | 'zero' | 'backref' {
    const s = this.s;
    const n = s[this.i + 1];
    this.i += 2;
    if (n === undefined) throw new Unreadable();
    if (n === 'd') return char(1);
    if (n === 's' || n === 't' || n === 'n' || n === 'r' || n === 'f' || n === 'v') return char(1, true);
    if (n === 'b' || n === 'B') return 'zero';
    if (n === 'p' || n === 'P' || (n === 'u' && s[this.i] === '{')) {
      const end = s.indexOf('}', this.i);
      if (s[this.i] !== '{' || end < 0) throw new Unreadable();
      this.i = end + 1;
      return ANY_CHAR;
    }
    if (n === 'k') {
      const end = s.indexOf('>', this.i);
      if (s[this.i] !== '<' || end < 0) throw new Unreadable();
      this.i = end + 1;
      return 'backref';
    }
    if (n >= '1' && n <= '9') {
      while (s[this.i] >= '0' && s[this.i] <= '9') this.i++;
      return 'backref';
    }
    if (n === 'x') this.i += 2;
    else if (n === 'u') this.i += 4;
    else if (n === 'c') this.i += 1;
    if (this.i > s.length) throw new Unreadable();
    if (/[A-Za-z0-9]/.test(n)) return ANY_CHAR; // \w \W \S \D \0 \x.. \u.... \c.
    return plain(n); // an escaped sign stands for itself
  }

  /** A class: its letters when it has nothing else, white space when only that, else a character. */
  private charClass(): Info {
    const s = this.s;
    this.i++;
    const negated = s[this.i] === '^';
    if (negated) this.i++;
    const found = new Set<string>();
    let onlyLetters = true;
    let onlySpace = true;
    let width = 1;
    while (this.i < s.length && s[this.i] !== ']') {
      const a = this.classMember();
      let member = a;
      if (s[this.i] === '-' && s[this.i + 1] !== ']' && this.i + 1 < s.length) {
        this.i++;
        const b = this.classMember();
        member = range(a, b);
      }
      if (member.letters) for (const x of member.letters) found.add(x);
      else onlyLetters = false;
      if (!member.space) onlySpace = false;
      width = Math.max(width, member.width);
    }
    if (s[this.i] !== ']') throw new Unreadable();
    this.i++;
    if (negated) return ANY_CHAR;
    if (onlyLetters && found.size > 0) return letters([...found]);
    return char(width, onlySpace && width === 1);
  }

  /** One member of a class: the letters it stands for, or whether it is white space, and its width. */
  private classMember(): ClassMember {
    const s = this.s;
    const c = s[this.i];
    if (c !== '\\') {
      this.i++;
      return member(c);
    }
    if (s[this.i + 1] === 'b') {
      this.i += 2;
      return { width: 1, space: false }; // backspace
    }
    const n = s[this.i + 1];
    const e = this.escapeBody();
    if (e === 'zero' || e === 'backref') throw new Unreadable();
    if (!/[A-Za-z0-9]/.test(n)) return member(n); // an escaped sign stands for itself
    return { width: e.max, space: e.space };
  }
}

interface ClassMember {
  /** the lower-case letters it matches, when it matches letters only */
  letters?: string[];
  /** the character it is, when it is one written out (for a range) */
  char?: string;
  width: number;
  space: boolean;
}

function member(c: string): ClassMember {
  const width = c.charCodeAt(0) < 128 ? 1 : 2;
  return { char: c, width, space: isAsciiSpace(c), ...(isLetter(c) ? { letters: [c.toLowerCase()] } : {}) };
}

/** A range "a-z": its letters when it has only letters, else a character of its width. */
function range(a: ClassMember, b: ClassMember): ClassMember {
  if (a.char === undefined || b.char === undefined) return { width: 2, space: false };
  const from = a.char.charCodeAt(0);
  const to = b.char.charCodeAt(0);
  if (from >= 128 || to >= 128) return { width: 2, space: false };
  const out = new Set<string>();
  for (let k = from; k <= to; k++) {
    const c = String.fromCharCode(k);
    if (!isLetter(c)) return { width: 1, space: false };
    out.add(c.toLowerCase());
  }
  return { letters: [...out], width: 1, space: false };
}

// Required literals by pattern source: the build works them out once and stores them with the
// lexicon bundle (seedRequired), so a new scanner does not read every pattern again.
const requiredCache = new Map<string, Required>();

/** A Required as JSON keeps it (no Infinity). */
export interface StoredRequired {
  clauses: string[][];
  /** by clause, [fixed (null for no bound), runs]; a bundle without it reads each as maxLen */
  reach?: [number | null, number][];
  fixed: number | null;
  runs: number;
}

const storedLen = (n: number): number | null => (Number.isFinite(n) ? n : null);

/** Every pattern's required literals worked out so far (for the build to store). */
export function knownRequired(): Record<string, StoredRequired> {
  const out: Record<string, StoredRequired> = {};
  for (const [k, r] of requiredCache)
    out[k] = { clauses: r.clauses, reach: r.reach.map((x) => [storedLen(x.fixed), x.runs]), fixed: storedLen(r.maxLen.fixed), runs: r.maxLen.runs };
  return out;
}

export function seedRequired(known: Record<string, StoredRequired>): void {
  for (const [k, r] of Object.entries(known)) {
    if (!Array.isArray(r?.clauses)) continue;
    const maxLen = { fixed: r.fixed ?? Infinity, runs: r.runs };
    const reach = r.clauses.map((_, i) => {
      const x = r.reach?.[i];
      return x ? { fixed: x[0] ?? Infinity, runs: x[1] } : maxLen;
    });
    requiredCache.set(k, { clauses: r.clauses, reach, maxLen });
  }
}

/** The required literals of a pattern source (see readRequired), cached by source. */
export function requiredLiterals(source: string): Required {
  let r = requiredCache.get(source);
  if (!r) {
    r = readRequired(source);
    if (requiredCache.size < 10_000) requiredCache.set(source, r);
  }
  return r;
}

/**
 * The required literals of a pattern source, uncached: at most MAX_CLAUSES clauses, the most
 * selective, each of literals at least MIN_LITERAL long, none containing another of its clause
 * (that one would do). No clauses when the source cannot be read or names nothing required.
 */
export function readRequired(source: string, limit = MAX_CLAUSES): Required {
  let info: Info;
  try {
    info = new Reader(source).read();
  } catch (e) {
    if (e instanceof Unreadable) return { clauses: [], reach: [], maxLen: { fixed: Infinity, runs: 0 } };
    throw e;
  }
  const all = [...info.clauses];
  const own = asClause(info.exact);
  if (own) all.push(whole(own, info));
  // By literals: the first of the most selective kept, with the nearest reach any of them has.
  const kept = new Map<string, Clause>();
  const ranked = all
    .map((c) => ({ lits: minimal(c.lits), reach: c.reach }))
    .filter((c) => c.lits.every((x) => x.length >= MIN_LITERAL))
    .map((c) => ({ c, s: score(c.lits) }))
    .sort((a, b) => b.s - a.s);
  for (const { c } of ranked) {
    const key = c.lits.join('|');
    const k = kept.get(key);
    if (k) {
      if (c.reach.fixed <= k.reach.fixed && c.reach.runs <= k.reach.runs) k.reach = c.reach;
      continue;
    }
    if (kept.size === limit) continue;
    kept.set(key, { lits: c.lits, reach: c.reach });
  }
  const clauses = [...kept.values()];
  return { clauses: clauses.map((c) => c.lits), reach: clauses.map((c) => c.reach), maxLen: { fixed: info.max, runs: info.runs } };
}

/** A clause without the literals that contain another of it (the shorter is found anyway), sorted. */
function minimal(c: string[]): string[] {
  const xs = [...new Set(c)].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  const out: string[] = [];
  for (const x of xs) if (!out.some((y) => x.includes(y))) out.push(x);
  return out.sort();
}

/** A LiteralScanner's tables (the build stores them with the compiled lexicon, stored.ts). */
export interface LiteralTables {
  delta: Int32Array;
  outStart: Int32Array;
  outIds: Int32Array;
}

/**
 * Every clause's literals in one Aho-Corasick automaton over lower-case letters, to find which
 * clauses a token's text satisfies (once per token form: the prefilter keeps the answer).
 */
export class LiteralScanner {
  /** next state, by state * 27 + letter (0 = not a letter) */
  private readonly delta: Int32Array;
  /** clauses satisfied on reaching each state: outIds[outStart[s] .. outStart[s + 1]) */
  private readonly outStart: Int32Array;
  private readonly outIds: Int32Array;

  /** The automaton of the clauses' literals. */
  static fromClauses(clauses: readonly string[][]): LiteralScanner {
    const W = 27;
    // The trie of all literals in one growing table (-1: no edge yet), then failure links
    // breadth first, filling in every missing edge (the usual construction).
    let delta = new Int32Array(64 * W).fill(-1);
    let states = 1;
    const out: number[][] = [[]];
    clauses.forEach((c, id) => {
      for (const lit of c) {
        let s = 0;
        for (let i = 0; i < lit.length; i++) {
          const k = lit.charCodeAt(i) - 96;
          if (k < 1 || k > 26) throw new Error(`not a lower-case literal: ${lit}`);
          if (delta[s * W + k] < 0) {
            if ((states + 1) * W > delta.length) {
              const bigger = new Int32Array(delta.length * 2).fill(-1);
              bigger.set(delta);
              delta = bigger;
            }
            delta[s * W + k] = states++;
            out.push([]);
          }
          s = delta[s * W + k];
        }
        if (!out[s].includes(id)) out[s].push(id);
      }
    });
    const fail = new Int32Array(states);
    const queue: number[] = [];
    for (let k = 0; k < W; k++) {
      const t = delta[k];
      if (t > 0) queue.push(t);
      else delta[k] = 0;
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi];
      for (const id of out[fail[s]]) if (!out[s].includes(id)) out[s].push(id);
      for (let k = 0; k < W; k++) {
        const t = delta[s * W + k];
        if (t < 0 || k === 0) delta[s * W + k] = delta[fail[s] * W + k];
        else {
          fail[t] = delta[fail[s] * W + k];
          queue.push(t);
        }
      }
    }
    const outStart = new Int32Array(states + 1);
    for (let s = 0; s < states; s++) outStart[s + 1] = outStart[s] + out[s].length;
    const outIds = new Int32Array(outStart[states]);
    for (let s = 0; s < states; s++) outIds.set(out[s], outStart[s]);
    return new LiteralScanner({ delta: delta.slice(0, states * W), outStart, outIds });
  }

  /** From its tables: those fromClauses works out, or those the build stored. */
  constructor(tables: LiteralTables) {
    this.delta = tables.delta;
    this.outStart = tables.outStart;
    this.outIds = tables.outIds;
  }

  /** The tables, for the build to store. */
  tables(): LiteralTables {
    return { delta: this.delta, outStart: this.outStart, outIds: this.outIds };
  }

  /**
   * The ids of the clauses a text (a token's) satisfies, ascending, or undefined for none.
   * Letters fold as a case-insensitive Unicode regex compares them with ASCII ones.
   */
  find(text: string): Int32Array | undefined {
    let found: Set<number> | undefined;
    const { delta, outStart, outIds } = this;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      s = delta[s * 27 + letterOf(text.charCodeAt(i))];
      for (let k = outStart[s]; k < outStart[s + 1]; k++) (found ??= new Set()).add(outIds[k]);
    }
    return found && Int32Array.from([...found].sort((a, b) => a - b));
  }
}

/** 1..26 for a letter, as a case-insensitive Unicode regex matches ASCII letters; else 0. */
function letterOf(code: number): number {
  if (code >= 97 && code <= 122) return code - 96;
  if (code >= 65 && code <= 90) return code - 64;
  if (code === 0x17f) return 19; // long s
  if (code === 0x212a) return 11; // Kelvin sign
  return 0;
}
