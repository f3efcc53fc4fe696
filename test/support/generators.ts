import fc from 'fast-check';

/** Invented routine sentences: nothing in them is a finding. */
export const routineSentences = [
  'BP 128/80.',
  'Continue amlodipine 5mg od.',
  'Review in 6 months.',
  'Chest clear, heart sounds normal.',
  'Bloods taken for HbA1c and lipids.',
  'Advised weight loss and exercise.',
  'Repeat prescription issued.',
  'Flu vaccine given today.',
  'Inhaler technique checked, good.',
  'Knee pain improving with physio.',
];

/** Invented texts that must be withheld (POLICY.md's kinds of withhold). */
export const withholdTexts = [
  'Disclosed that partner hit her last week. Referred to IDVA, MARAC referral made.',
  'Children now subject to a child protection plan under category of neglect.',
  'Daughter rang, worried mum is drinking heavily. Does not want mum to know she called.',
  'CT shows metastatic disease. Not yet discussed with patient - awaiting oncology appt.',
  'Partner (John Smith, DOB 02/03/1980, NHS 943 476 5919) is HIV positive.',
  'Section 47 enquiry completed by social care, no further action.',
  'FGM type 2 identified at booking, FGM protection order in place.',
  'Please do not disclose these results to the patient before clinic.',
];

const pieces = fc.constantFrom(
  ...routineSentences,
  'Denies DV.',
  'No safeguarding concerns.',
  '?NAI - bruising to arms.',
  'Seen with mum.',
  'FHx: father MI aged 60.',
  'Chlamydia NAAT positive.',
  'Plan: review.',
  'Dear Dr Patel,',
  'Re: Jo Bloggs, DOB 01/02/1990, NHS 943 476 5919',
  'Yours sincerely',
  'cc: HV team',
  'Lives with partner Dave.',
  'Safety-netted: to call 111 if worse.',
  '- no concerns',
  'PHQ-9 18, passive thoughts.',
);
const sep = fc.constantFrom(' ', '\n', '\n\n', '\r\n', '  ', '\t');

/** Clinical-looking text: routine and sensitive sentences in random order with odd spacing. */
export const clinicalText = fc
  .array(fc.tuple(pieces, sep), { minLength: 1, maxLength: 25 })
  .map((parts) => parts.map(([p, s]) => p + s).join(''));
