import { describe, expect, it } from 'vitest';
import { createScanner } from '../src/index.js';
import type { Category } from '../src/model/index.js';

// Coded entries as GP systems write them (a preferred term on its own line, or an old 30-character
// Read form), read by structure: intent x poisoning, act x "self"/"own", drug class x misuse word,
// chromosome by number, a syndrome's name with "syndrome". Every row is invented (none is a term of
// the public code lists, which are test data); each class carries near-misses that must stay as they
// are. `level` is the verdict POLICY.md gives the coded entry alone: the patient's own sensitive
// condition is review, a safeguarding process or abuse affirmed is withhold.
const scanner = createScanner();

interface Row {
  text: string;
  /** the category of the affirmed finding expected on the text, or null for none */
  category: Category | null;
  level: 'visible' | 'review' | 'withhold';
}

const rows: Record<string, Row[]> = {
  'self-poisoning (intent before or after the poisoning, any drug between)': [
    { text: 'Intentional venlafaxine and alcohol poisoning.', category: 'sensitive', level: 'review' },
    { text: 'Deliberate overdose of her own lithium, admitted.', category: 'sensitive', level: 'review' },
    { text: 'Overdose, deliberate: 40 x paracetamol.', category: 'sensitive', level: 'review' },
    { text: 'Self-poisoning with antifreeze.', category: 'sensitive', level: 'review' },
    { text: 'Accidental ingestion of grandmother\'s amlodipine by a toddler.', category: null, level: 'visible' },
    { text: 'Unintentional double dose of metformin, well.', category: null, level: 'visible' },
    { text: 'Intentional weight loss of 6 kg with diet and exercise.', category: null, level: 'visible' },
  ],
  'self-injury (an act on oneself, Read "Int ... self" forms)': [
    { text: 'Punching self in the face when distressed, LD team aware.', category: 'sensitive', level: 'review' },
    { text: 'Self-immolation attempt, burns unit.', category: 'sensitive', level: 'review' },
    { text: 'Int slf burn, kitchen.', category: 'sensitive', level: 'review' },
    { text: 'Jumped off a multi-storey car park in 2020.', category: 'sensitive', level: 'review' },
    { text: 'Burnt self on the hob while cooking.', category: null, level: 'visible' },
    { text: 'Cutting down on cigarettes, 5 a day.', category: null, level: 'visible' },
    { text: 'Self-care advice given for a cold.', category: null, level: 'visible' },
  ],
  'substance misuse (class x misuse word, either order)': [
    { text: 'Barbiturate dependence in the 1990s.', category: 'sensitive', level: 'review' },
    { text: 'Harmful use of cathinones, started at college.', category: 'sensitive', level: 'review' },
    { text: 'Misuse of analgesics bought over the counter.', category: 'sensitive', level: 'review' },
    { text: 'Gabapentinoid withdrawal after stopping street pregabalin.', category: 'sensitive', level: 'review' },
    { text: 'Steroid withdrawal symptoms after a prednisolone course.', category: null, level: 'visible' },
    { text: 'Opioid-induced constipation, laxative added.', category: null, level: 'visible' },
    { text: 'Wound closed using glue, no sutures needed.', category: null, level: 'visible' },
  ],
  'alcohol misuse (coded wording)': [
    { text: 'Hazardous use of alcohol, AUDIT 12.', category: 'sensitive', level: 'review' },
    { text: 'Peripheral neuropathy due to alcohol.', category: 'sensitive', level: 'review' },
    { text: 'Alcohol hand gel at the door.', category: null, level: 'visible' },
  ],
  'HIV spelt out, with its type': [
    { text: 'Human immunodeficiency virus 2, on dolutegravir.', category: 'sensitive', level: 'review' },
    { text: 'Human immunodeficiency virus test offered at booking.', category: null, level: 'visible' },
  ],
  'termination and miscarriage wording': [
    { text: 'Therapeutic abortion at 12 weeks in 2015.', category: 'sensitive', level: 'review' },
    { text: 'Threatened abortion at 8 weeks, settled, viable on scan.', category: 'sensitive', level: 'review' },
    { text: 'Termination of employment letter scanned.', category: null, level: 'visible' },
  ],
  'learning disability and genetic conditions (old and new wording, chromosomes, named syndromes)': [
    { text: 'Mental retardation (profound), PEG fed.', category: 'sensitive', level: 'review' },
    { text: 'Trisomy 13 mosaicism, followed by genetics.', category: 'sensitive', level: 'review' },
    { text: 'Angelman syndrome, seizures controlled.', category: 'sensitive', level: 'review' },
    { text: 'Karyotype 47,XYY on investigation for tall stature.', category: 'sensitive', level: 'review' },
    { text: 'Low chance of trisomy 18 on combined screening.', category: null, level: 'visible' },
    { text: 'Psychomotor retardation, very low mood, PHQ-9 8.', category: null, level: 'visible' },
    { text: 'Mr Noonan, orthopaedic surgeon, reviewed the knee.', category: null, level: 'visible' },
  ],
  'serious mental illness (paranoid, delusional, catatonic, manic states)': [
    { text: 'Paranoid reaction after a bereavement, CMHT.', category: 'sensitive', level: 'review' },
    { text: 'Cannabis-induced paranoia, settled off skunk.', category: 'sensitive', level: 'review' },
    { text: 'Manic features on review, lithium level taken.', category: 'sensitive', level: 'review' },
    { text: 'Delusional ideas during delirium with a UTI, resolved.', category: null, level: 'visible' },
    { text: 'Manic week at work, BP 128/80.', category: null, level: 'visible' },
  ],
  'child safeguarding flags and processes': [
    { text: 'Vulnerable infant - HV to visit weekly.', category: 'safeguarding', level: 'review' },
    { text: 'Care leaver, personal adviser from the council.', category: 'safeguarding', level: 'withhold' },
    { text: 'Abandoned baby, found by police, now with foster carers.', category: 'safeguarding', level: 'withhold' },
    { text: 'Child protection surveillance by the health visiting team.', category: 'safeguarding', level: 'withhold' },
    { text: 'Clinically vulnerable child - flu vaccine given.', category: null, level: 'visible' },
    { text: 'Lives in a care home, DNACPR in place.', category: null, level: 'visible' },
    { text: 'Safeguarding training completed by the registrar.', category: null, level: 'visible' },
  ],
};

describe('coded terms: each class and its near-misses', () => {
  for (const [cls, list] of Object.entries(rows)) {
    describe(cls, () => {
      for (const r of list) {
        it(`${r.level}${r.category ? ` (${r.category})` : ''}: ${r.text}`, () => {
          const res = scanner.scan(r.text, { kind: 'entry' });
          const affirmed = res.findings.filter((f) => !f.modifiers.negated && !f.modifiers.hypothetical && f.category !== 'thirdParty');
          if (r.category) expect(affirmed.map((f) => f.category), JSON.stringify(res.findings.map((f) => f.ruleId))).toContain(r.category);
          else expect(affirmed.map((f) => f.ruleId)).toEqual([]);
          expect(res.verdict).toBe(r.level);
        });
      }
    });
  }
});
