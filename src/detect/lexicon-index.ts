import type { Hit } from '../lexicon/match.js';
import type { LoadedEntry } from '../lexicon/schema.js';
import type { DetectInput } from './types.js';

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
}

const cache = new WeakMap<DetectInput, HitIndex>();

export function isRelationship(e: LoadedEntry): boolean {
  return e.category === 'thirdParty' && e.type === 'relationship';
}

export function hitIndex(input: DetectInput): HitIndex {
  const got = cache.get(input);
  if (got) return got;
  const n = input.doc.tokens.length;
  const idx: HitIndex = {
    forename: new Uint8Array(n),
    surname: new Uint8Array(n),
    professional: [],
    relationship: [],
    informant: [],
    finding: new Uint8Array(n),
    vocabulary: new Uint8Array(n),
  };
  for (const h of input.hits) {
    const e = input.lexicon.entries[h.entry];
    const mark = (arr: Uint8Array) => {
      for (let i = h.startTok; i < h.endTok && i < n; i++) arr[i] = 1;
    };
    if (e.use === 'forename') mark(idx.forename);
    else if (e.use === 'surname') mark(idx.surname);
    else if (e.use === 'professional') {
      idx.professional.push(h);
      mark(idx.vocabulary);
    } else if (e.use === 'informant') idx.informant.push(h);
    else if (e.use === 'context') mark(idx.vocabulary);
    else if (isRelationship(e)) {
      idx.relationship.push(h);
      mark(idx.vocabulary);
    } else if (e.category) mark(idx.finding);
  }
  cache.set(input, idx);
  return idx;
}
