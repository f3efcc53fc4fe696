import type { ContextResult } from '../model/index.js';
import { hitIndex } from './hit-index.js';
import { caseOf, findNames, isCap, isWord, nameDoc, nameWord, extendName, type NameDoc, type Person } from './people-find.js';
import { peopleWords, wordClass, WORD } from './people-words.js';
import { labelScope, nameWords, whose, type Role, type Whose } from './people-whose.js';
import type { DetectInput, NameDecision, NameDecisions, RawFinding, Rule, Source } from './types.js';

/**
 * Person names: found where something anchors them (a relationship word, a proxy role, a
 * title, a verb that takes a person; people-find.ts), then classed as the patient, a
 * professional acting in role, a third party, or not a person at all (people-whose.ts). Only
 * third parties are findings. A name decided by what stands beside it decides its other
 * mentions in the document: "Mihai Vasile (nephew)" makes a later "Mihai" a third party, "Dr
 * Fenn" a later "Fenn" a professional.
 */

const AFFIRMED_OTHER: ContextResult = { negated: false, uncertain: false, hypothetical: false, historical: false, experiencer: 'other', triggers: [] };

/** What decided names say of their other mentions: each name word's roles, and where the first third party's name ends. */
export function nameDecisions(decided: readonly NameDecision[]): NameDecisions {
  const byWord = new Map<string, Set<Role>>();
  let from = Infinity;
  for (const n of decided) {
    if (n.role === 'third') from = Math.min(from, n.end);
    for (const x of n.words) {
      if (x.length < 3) continue;
      const set = byWord.get(x) ?? new Set<Role>();
      set.add(n.role);
      byWord.set(x, set);
    }
  }
  return { byWord, from };
}

/**
 * Other mentions of a name decided by what stood beside it. A mention with nothing of its own
 * takes the role of the firm decision on its words; a third party's name found nowhere else
 * ("Mihai" at the start of a sentence, "mihai" in lower case) is added as a mention.
 */
function coreference(d: NameDoc, people: Person[], roles: Whose[]): void {
  const decided: NameDecision[] = [];
  people.forEach((p, k) => {
    const role = roles[k].role;
    if (!roles[k].firm || role === 'none') return;
    decided.push({ words: nameWords(d.toks, p), role, start: d.toks[p.a].start, end: d.toks[p.b - 1].end });
  });
  // A part of a longer document tells what it decided, and follows the whole document's decisions.
  d.input.noteNames?.(decided);
  const whole = d.input.documentNames ?? nameDecisions(decided);
  const byWord = whole.byWord;
  if (!byWord.size) return;
  const single = (x: string): Role | undefined => {
    const set = byWord.get(x);
    return set && set.size === 1 ? [...set][0] : undefined;
  };
  people.forEach((p, k) => {
    if (roles[k].firm || roles[k].role !== 'third') return;
    const got = nameWords(d.toks, p).map(single);
    if (got.length && got.every((r) => r && r === got[0])) roles[k] = { role: got[0]!, firm: false };
  });
  const patientParts = new Set(d.input.patient.nameParts);
  const toks = d.toks;
  // mentions after the first firm one: what comes before it is left to the reader (and to redaction's same-person rule)
  const fromAt = whole.from;
  let from = 0;
  while (from < toks.length && toks[from].start < fromAt) from++;
  for (let i = from; i < toks.length; i++) {
    if (d.taken[i] || !(d.bits[i] & WORD)) continue;
    const t = toks[i];
    const bare = t.lower.replace(/'s$/, '');
    if (single(bare) !== 'third' || patientParts.has(bare)) continue;
    // capitals in mixed-case text, or a word that is not English where case says nothing
    if (!(caseOf(d, i) ? ['name', 'unknown'].includes(wordClass(t)) : isCap(t))) continue;
    if (!nameWord(d, i, 'more')) continue;
    const b = extendName(d, i, 3);
    const p: Person = { a: i, b, evidence: 0.8, anchor: 'coreference' };
    for (let j = i; j < b; j++) d.taken[j] = 1;
    people.push(p);
    roles.push({ role: 'third', firm: false });
  }
}

/**
 * A list of fields on one line ("Cardiology: Dr Ade   Vascular surgery: Mr Piet Janssen
 * Radiology: Dr Mei Lin"): a name standing as a field's value, on a line where another name is
 * a professional's, is a professional's too, unless a relationship word stands beside it.
 */
function fieldLines(d: NameDoc, people: Person[], roles: Whose[]): void {
  const { toks, w } = d;
  const lineOf = (i: number) => {
    let k = i;
    while (k > 0 && toks[k - 1].kind !== 'newline') k--;
    return k;
  };
  const proLines = new Set<number>();
  people.forEach((p, k) => {
    if (roles[k].role === 'professional' && roles[k].firm) proLines.add(lineOf(p.a));
  });
  if (!proLines.size) return;
  people.forEach((p, k) => {
    if (roles[k].role !== 'third' || roles[k].related || !proLines.has(lineOf(p.a))) return;
    let j = p.a - 1;
    if (toks[j]?.text === '.') j--;
    if (isWord(toks[j]) && w.personalTitle.has(toks[j].lower)) j--;
    if (toks[j]?.text === ':') roles[k] = { role: 'professional', firm: true };
  });
}

/**
 * A list of names in brackets after a role ("team (Vaal, Okonjo)", "(Dr Ash and Mills)"): a name
 * joined to a professional's by a coordinator, inside the same brackets, is a professional's too,
 * unless a relationship word stands beside it.
 */
function bracketLists(d: NameDoc, people: Person[], roles: Whose[]): void {
  const { toks, w } = d;
  const inBrackets = (a: number) => {
    for (let k = a - 1; k >= 0 && toks[k].kind !== 'newline'; k--) {
      if (toks[k].text === ')') return false;
      if (toks[k].text === '(') return true;
    }
    return false;
  };
  for (let k = 0; k + 1 < people.length; k++) {
    const p = people[k];
    const q = people[k + 1];
    if (roles[k].role !== 'professional' || !roles[k].firm || roles[k + 1].role !== 'third' || roles[k + 1].related) continue;
    let j = p.b;
    if (j < q.a && w.nameCoordinator.has(toks[j].lower)) j++;
    if (j !== q.a || j === p.b || !inBrackets(p.a)) continue;
    roles[k + 1] = { role: 'professional', firm: true };
  }
}

export function detectPeople(input: DetectInput): RawFinding[] {
  const idx = hitIndex(input);
  const d = nameDoc(input, idx, peopleWords(input.lexicon));
  const people = findNames(d);
  // field labels decide only the roles of names found: most documents have none, and skip them
  const labels = people.length ? labelScope(d) : d.labels;
  const roles = people.map((p) => whose(d, p, labels));
  fieldLines(d, people, roles);
  bracketLists(d, people, roles);
  coreference(d, people, roles);
  const toks = input.doc.tokens;
  const out: RawFinding[] = [];
  people.forEach((p, k) => {
    if (p.b <= p.a || roles[k].role !== 'third') return;
    out.push({
      category: 'thirdParty',
      type: 'person-name',
      ruleId: 'detector/person-name',
      start: toks[p.a].start,
      end: toks[p.b - 1].end,
      startTok: p.a,
      endTok: p.b,
      weight: p.evidence >= 0.8 ? 0.55 : 0.45,
      context: { ...AFFIRMED_OTHER, triggers: [] },
    });
  });
  return out.sort((x, y) => x.start - y.start);
}

export const personNameRule: Rule = {
  origin: 'code',
  meta: {
    id: 'detector/person-name',
    category: 'thirdParty',
    types: ['person-name'],
    description:
      "A person's name that is neither the patient's nor a professional's in role: found where a relationship word, a proxy role, a title or a verb that takes a person anchors it (name lists read in any letter case there), by capitals and name lists elsewhere, and (for capitalised pairs nothing else explains) compromise; a role before or after the name, in brackets, after a comma or as a field label makes it a professional's; eponyms, gradings and pets are not people.",
    docs: 'POLICY.md: a named non-professional is review; names that fit the patient are not third parties; professionals acting in role are not third parties; an eponym or a place is not a person',
  },
  examples: {
    match: [
      'Lives with partner Dave and two children.',
      'Mrs Gwen Hughes phoned about her husband.',
      { text: 'Seen with Mrs Hughes, his wife.', patient: { name: 'Tom Hughes', sex: 'male' } },
      'lives with gf chloe, works nights',
      'DISCUSSED WITH SON MARCUS TODAY',
      'niece is mrs. jan holt',
      'Jan Holt (niece) rang.',
      'Attorney under LPA - Jan Holt.',
      'Unable to reach daughter, please ask for Pete.',
    ],
    noMatch: [
      'Seen with HV Sarah Jones re weaning.',
      { text: 'Mrs Hughes attended for her smear.', patient: { name: 'Gwen Hughes', sex: 'female' } },
      { text: 'Ms O’Rourke seen re contraception.', patient: { name: "Siobhan O'Rourke", sex: 'female' } },
      'Letter from Hyde Park Surgery filed.',
      'Returned from Kenya last week, well.',
      'mum Okay, pain better',
      'son will collect the prescription',
      'Sam Reid (HCA) took bloods.',
      'Coded by: Tina Shaw, Practice Administrator',
      'LABETALOL STARTED PER DR FENN.',
      'Kellgren-Lawrence grade 3 changes in both knees.',
    ],
  },
};

export const people: Source = { stage: 'detect', name: 'people', rules: [personNameRule], detect: detectPeople, fresh: true };
