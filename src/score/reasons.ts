import type { Thresholds, Verdict } from '../model/index.js';
import { levelOf, type Scored } from './verdict.js';

/**
 * Plain sentences a GP would accept. They name what kind of thing was found and why it
 * counts, never the record text itself.
 */


const CATEGORY_NAMES = { thirdParty: 'third-party', safeguarding: 'safeguarding', sensitive: 'sensitive', harm: 'harm' } as const;

/** A finding type in words; `acronyms` (lexicons' display-acronym vocabulary) read in capitals ("sti" -> "STI"). */
function human(type: string, acronyms: ReadonlySet<string>): string {
  let names = humanNames.get(acronyms);
  if (!names) humanNames.set(acronyms, (names = new Map()));
  let name = names.get(type);
  if (name === undefined) {
    name = type
      .split('-')
      .map((w) => (acronyms.has(w) ? w.toUpperCase() : w))
      .join(' ');
    // the lexicons' types are a few dozen; a caller's detectors may add more, so the memo is bounded
    if (names.size < 1000) names.set(type, name);
  }
  return name;
}

/** human()'s answers, by acronym vocabulary (one per lexicon) and type: a fact of the type's words, worked out once, not per finding of every scan. */
const humanNames = new WeakMap<ReadonlySet<string>, Map<string, string>>();

function describe(s: Scored, level: Verdict, acronyms: ReadonlySet<string>): string {
  const f = s.finding;
  const m = f.modifiers;
  const what = human(f.type, acronyms);
  if (s.raisedBy === 'document/referred-on') return `Possible safeguarding concern (${what}) that has been referred on: ${level}.`;
  if (s.raisedBy === 'document/undisclosed-serious-diagnosis') return `A serious result is recorded as not yet discussed with the patient: ${level}.`;
  switch (f.category) {
    case 'safeguarding':
      if (m.uncertain) return `Possible safeguarding concern (${what}): ${level}.`;
      if (m.historical) return `Past safeguarding matter (${what}) with no current process found: ${level}.`;
      return `Safeguarding concern or process (${what}) recorded as current: ${level}.`;
    case 'sensitive':
      return `The patient's own sensitive health information (${what}): ${level}.`;
    case 'harm':
      return `Information that may cause harm or is not yet shared with the patient (${what}): ${level}.`;
    case 'thirdParty':
      if (f.type === 'person-name') return `Names a person who is not the patient or a professional in role: ${level}.`;
      if (f.type === 'third-party-health') return `Another person's health information: ${level}.`;
      if (f.type === 'third-party-information') return `Information supplied by someone other than the patient: ${level}.`;
      if (f.type === 'relationship') return `Mentions a relative or other person (${what}): ${level}.`;
      return `Another person's ${what}: ${level}.`;
  }
}

export function reasonsFor(scored: Scored[], verdict: Verdict, t: Thresholds, accumulated: string[], acronyms: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const ranked = [...scored].filter((s) => s.finding.score > 0).sort((a, b) => b.finding.score - a.finding.score);
  for (const s of ranked) {
    const level = s.finding.level ?? levelOf(s.finding, t);
    if (level === 'visible') continue;
    const r = describe(s, level, acronyms);
    if (!out.includes(r)) out.push(r);
    if (out.length >= 6) break;
  }
  for (const c of accumulated) out.push(`Several lesser ${CATEGORY_NAMES[c as keyof typeof CATEGORY_NAMES] ?? c} findings together: review.`);
  const negated = scored.filter((s) => s.finding.modifiers.negated).length;
  const hypothetical = scored.filter((s) => !s.finding.modifiers.negated && s.finding.modifiers.hypothetical).length;
  if (verdict === 'visible') {
    if (negated || hypothetical)
      out.push(`Nothing affirmed: ${negated} negated and ${hypothetical} hypothetical mention(s) do not count.`);
    else if (scored.length) out.push('Only low-risk mentions found (e.g. an unnamed relative).');
    else out.push('No third-party, safeguarding, sensitive or harmful content found.');
  }
  return out;
}

