import type { Hit } from '../lexicon/match.js';
import type { CompiledLexicon } from '../lexicon/compile.js';
import type { LoadedEntry } from '../lexicon/schema.js';
import type { DetectInput } from './types.js';
import { once } from './vocab.js';

/** Per-token views of the lexicon hits that detectors ask about. Built once per document. */
export interface HitIndex {
  forename: Uint8Array;
  surname: Uint8Array;
  /** professional role/title hits, by start token */
  professional: Hit[];
  relationship: Hit[];
  informant: Hit[];
  /** tokens covered by any finding entry (a name can't be inside "Huntington's disease") */
  finding: Uint8Array;
  /** tokens covered by a context cue or a role word */
  vocabulary: Uint8Array;
  /** 1 where a relationship hit ends just before token i (relEndsAt[i]) / starts at token i */
  relEndsAt: Uint8Array;
  relStartsAt: Uint8Array;
  /** same for professional role words */
  proEndsAt: Uint8Array;
  proStartsAt: Uint8Array;
  /** room left in this index's buffer for the people finder's per-token arrays, until taken (takeRoom) */
  room?: { buf: ArrayBuffer; at: number; bytes: number };
}

/**
 * Per-token room the index's buffer keeps for the people finder (people-find.ts: nameDoc, 6
 * bytes a token and 2 more), which every document builds too: one buffer allocation per
 * document, not two (an allocation cost as much as the loop that fills the index).
 */
const ROOM_PER_TOKEN = 6;
const ROOM_EXTRA = 2;

/** The index's spare room, zeroed, for one taker: `bytes` of it, or undefined when it is taken or too small. */
export function takeRoom(idx: HitIndex, bytes: number): { buf: ArrayBuffer; at: number } | undefined {
  const room = idx.room;
  if (!room || room.bytes < bytes) return undefined;
  idx.room = undefined;
  return room;
}

/** Is there a mark within `dist` tokens before `a` (ending at a-dist..a) or after `b`? */
export function markNear(ends: Uint8Array, starts: Uint8Array, a: number, b: number, before: number, after: number): boolean {
  for (let i = Math.max(0, a - before); i <= a; i++) if (ends[i]) return true;
  for (let i = b; i <= Math.min(starts.length - 1, b + after); i++) if (starts[i]) return true;
  return false;
}

/** Is hit h inside a professional hit that starts before it? Hits come in text order, so only the last few role hits can hold it. */
function insideRole(pro: readonly Hit[], h: Hit): boolean {
  for (let k = pro.length - 1; k >= 0 && pro[k].startTok >= h.startTok - 4; k--) {
    if (pro[k].startTok < h.startTok && pro[k].endTok >= h.endTok) return true;
  }
  return false;
}

export function isRelationship(e: LoadedEntry): boolean {
  return e.kind === 'finding' && e.category === 'thirdParty' && e.type === 'relationship';
}

/** Mark tokens [a, b) (a hit covers one token or a few: a loop costs less than a fill call). */
function mark(arr: Uint8Array, a: number, b: number): void {
  for (let k = a; k < b; k++) arr[k] = 1;
}

// What a hit of each lexicon entry counts as here.
const OTHER = 0;
const FORENAME = 1;
const SURNAME = 2;
const PROFESSIONAL = 3;
const INFORMANT = 4;
const CONTEXT = 5;
const RELATIONSHIP = 6;
const FINDING = 7;

/** Each entry's kind of hit, by entry index: worked out once per lexicon, not at every hit. */
function hitKinds(lex: CompiledLexicon): Uint8Array {
  return once(lex, 'hit-kinds', () =>
    Uint8Array.from(lex.entries, (e) => {
      const use = e.kind === 'vocabulary' ? e.use : undefined;
      if (use === 'forename') return FORENAME;
      if (use === 'surname') return SURNAME;
      if (use === 'professional') return PROFESSIONAL;
      if (use === 'informant') return INFORMANT;
      if (e.kind === 'context') return CONTEXT;
      if (isRelationship(e)) return RELATIONSHIP;
      return e.kind === 'finding' ? FINDING : OTHER;
    }),
  );
}

/** The document's hit index: built on the first ask, kept on the input (a field, not a WeakMap entry per document, which cost as much as building it). */
export function hitIndex(input: DetectInput): HitIndex {
  return (input.hitIndex ??= buildHitIndex(input));
}

function buildHitIndex(input: DetectInput): HitIndex {
  const n = input.doc.tokens.length;
  // the eight per-token arrays as views of one buffer: one allocation per document, not eight
  // (and room for the people finder's after them)
  const own = 4 * n + 4 * (n + 1);
  const roomBytes = ROOM_PER_TOKEN * n + ROOM_EXTRA;
  const buf = new ArrayBuffer(own + roomBytes);
  let used = 0;
  const take = (len: number) => {
    const arr = new Uint8Array(buf, used, len);
    used += len;
    return arr;
  };
  const idx: HitIndex = {
    forename: take(n),
    surname: take(n),
    professional: [],
    relationship: [],
    informant: [],
    finding: take(n),
    vocabulary: take(n),
    relEndsAt: take(n + 1),
    relStartsAt: take(n + 1),
    proEndsAt: take(n + 1),
    proStartsAt: take(n + 1),
    room: { buf, at: own, bytes: roomBytes },
  };
  const kinds = hitKinds(input.lexicon);
  for (const h of input.hits) {
    const end = Math.min(h.endTok, n);
    switch (kinds[h.entry]) {
      case FORENAME:
        mark(idx.forename, h.startTok, end);
        break;
      case SURNAME:
        mark(idx.surname, h.startTok, end);
        break;
      case PROFESSIONAL:
        idx.professional.push(h);
        idx.proEndsAt[h.endTok] = 1;
        idx.proStartsAt[h.startTok] = 1;
        mark(idx.vocabulary, h.startTok, end);
        break;
      case INFORMANT:
        idx.informant.push(h);
        break;
      case CONTEXT:
        // A context pattern can span a whole clause ("father (Gwyn Price) had"): only its words
        // from term lists count as vocabulary, never the names a pattern happens to cover.
        if (h.via !== 'pattern') mark(idx.vocabulary, h.startTok, end);
        break;
      case RELATIONSHIP:
        // A relationship word inside a longer role is the role's ("Femi (Senior Carer)"); a word
        // that is both on its own ("Sister") stays a relationship, for the people rules to weigh.
        if (insideRole(idx.professional, h)) {
          mark(idx.vocabulary, h.startTok, end);
          break;
        }
        idx.relationship.push(h);
        idx.relEndsAt[h.endTok] = 1;
        idx.relStartsAt[h.startTok] = 1;
        mark(idx.vocabulary, h.startTok, end);
        break;
      case FINDING:
        mark(idx.finding, h.startTok, end);
        break;
    }
  }
  return idx;
}
