import { z } from 'zod';
import { CategorySchema } from '../model/categories.js';

export { CATEGORIES, CategorySchema, type Category } from '../model/categories.js';

/**
 * A lexicon entry is one of four things, told apart by `kind` (or, when `kind` is left out,
 * by the keys it has, so existing files need no edit):
 * - `finding`: reports a finding (has a `category`);
 * - `context`: a ConText trigger (`use: context`);
 * - `vocabulary`: words a detector or a pattern reads (`use: professional | informant |
 *   forename | surname` for words matched in the text, or a `name` that patterns and
 *   detectors refer to, e.g. `{relative}`);
 * - `disable`: only an `id` and `disabled: true`, switching a built-in entry off.
 * Each kind is a strict object: a finding entry that carries a context `modifier` is refused.
 */

/** Vocabularies whose words are matched in the text and read by detectors. */
export const MATCHED_USES = ['professional', 'informant', 'forename', 'surname'] as const;
export const USES = ['context', ...MATCHED_USES] as const;
export type Use = (typeof USES)[number];

export const CONTEXT_MODIFIERS = [
  'negated', 'uncertain', 'hypothetical', 'historical', 'family', 'other', 'patient', 'pseudo', 'terminate',
] as const;

/** The modifiers a trigger sets, which a terminator may end. */
export const TERMINABLE_MODIFIERS = ['negated', 'uncertain', 'hypothetical', 'historical', 'family', 'other'] as const;
export type TerminableModifier = (typeof TERMINABLE_MODIFIERS)[number];

const nonEmpty = z.string().trim().min(1, 'must not be empty');

const Constraint = {
  near: z.array(nonEmpty).optional(),
  notNear: z.array(nonEmpty).optional(),
  window: z.number().int().min(1).max(50).optional(),
};

export const TermSchema = z.union([nonEmpty, z.object({ term: nonEmpty, ...Constraint }).strict()]);

/**
 * One group of a frame: words that must (or, under `unless`, must not) stand near the frame's
 * verb: on a side of it, within a number of words, and with `clause`, in the verb's own clause
 * (no ";", ":", "," or spaced dash between them).
 */
export const FrameGroupSchema = z
  .object({
    words: z.array(nonEmpty).min(1),
    side: z.enum(['before', 'after', 'both']).optional(),
    window: z.number().int().min(1).max(30).optional(),
    clause: z.boolean().optional(),
    /** only these words may stand between the group's word and the verb ("not yet been told", not "don't know they told") */
    gap: z.array(nonEmpty).optional(),
    /**
     * the group's word opens its clause: no word before it there but a list number ("Hasn't been
     * made aware yet", "2) not informed"), so the clause has no subject of its own; only with side: before
     */
    opens: z.boolean().optional(),
  })
  .strict();

/**
 * A frame: a concept by its shape rather than its phrasing ("not yet told" is a verb of telling,
 * negated, with the patient or the result as its object, in any order and tense). `verbs` are
 * stemmed words or phrases (vocabularies by name); every group of `with` must be found around
 * the verb, none of `unless`.
 */
export const FrameSchema = z
  .object({
    verbs: z.array(nonEmpty).min(1),
    with: z.array(FrameGroupSchema).min(1),
    unless: z.array(FrameGroupSchema).optional(),
  })
  .strict();
export const AbbreviationSchema = z.union([nonEmpty, z.object({ abbr: nonEmpty, ...Constraint }).strict()]);
export const PatternSchema = z.union([nonEmpty, z.object({ regex: nonEmpty, caseSensitive: z.boolean().optional() }).strict()]);

export const ExamplesSchema = z
  .object({
    match: z.array(z.string().min(1)).default([]),
    noMatch: z.array(z.string().min(1)).default([]),
  })
  .strict();

const IdSchema = z.string().regex(/^[a-z][a-zA-Z0-9-]*(\/[a-z0-9][a-z0-9-]*)+$/, 'must look like "category/slug" in lower case');
/** A vocabulary's name, as patterns refer to it: `{relative}`. */
export const VOCABULARY_NAME = /^[a-z][a-z0-9-]*$/;

const common = {
  id: IdSchema,
  terms: z.array(TermSchema).optional(),
  abbreviations: z.array(AbbreviationSchema).optional(),
  patterns: z.array(PatternSchema).optional(),
  stem: z.boolean().optional(),
  source: nonEmpty,
  examples: ExamplesSchema.optional(),
  disabled: z.boolean().optional(),
  notes: z.string().optional(),
};

const hasWords = (e: { terms?: unknown[]; abbreviations?: unknown[]; patterns?: unknown[] }) =>
  (e.terms?.length ?? 0) + (e.abbreviations?.length ?? 0) + (e.patterns?.length ?? 0) > 0;
const WORDS_MESSAGE = { message: 'needs at least one term, abbreviation or pattern', path: ['terms'] };

export const FindingEntrySchema = z
  .object({
    kind: z.literal('finding'),
    ...common,
    category: CategorySchema,
    type: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be kebab-case'),
    weight: z.number().min(0).max(1),
    /** an affirmed mention means the concern was referred on (safeguarding lead, MASH, police) */
    escalates: z.boolean().optional(),
    /** a serious diagnosis (malignant, terminal, progressive neurological): beside "not yet discussed" the document is withheld */
    serious: z.boolean().optional(),
    /** says that something has not yet been shared with the patient */
    undisclosed: z.boolean().optional(),
    /** a condition that counts only when new or suspected: named as history or background it is no finding (POLICY: long-standing conditions) */
    newOnly: z.boolean().optional(),
    onlyUnderAge: z.number().int().min(1).max(120).optional(),
    /** modifiers that do not apply to this entry: an instruction ("would ask that this is not shared") is one even when phrased conditionally */
    ignoreModifiers: z.array(z.enum(['uncertain', 'hypothetical', 'historical'])).optional(),
    /** the concept by its shape: a verb and the words that must (or must not) stand around it */
    frames: z.array(FrameSchema).optional(),
  })
  .strict()
  .refine((e) => hasWords(e) || (e.frames?.length ?? 0) > 0, { message: 'needs at least one term, abbreviation, pattern or frame', path: ['terms'] });

export const ContextEntrySchema = z
  .object({
    kind: z.literal('context'),
    ...common,
    use: z.literal('context'),
    modifier: z.enum(CONTEXT_MODIFIERS),
    direction: z.enum(['forward', 'backward', 'both']).optional(),
    window: z.number().int().min(1).max(60).optional(),
    /**
     * A terminator that ends only these modifiers' scope (ConText keeps a termination list per
     * category: "presents" ends a history, not a negation). Left out: it ends every trigger.
     */
    terminates: z.array(z.enum(TERMINABLE_MODIFIERS)).min(1).optional(),
    /**
     * A trigger whose stretch must be closed: it reaches a target only when a terminator of its
     * modifier follows the target in the same sentence ("a 60-year-old man with angina who
     * presents with ...": the background runs from "with" to "who presents").
     */
    closed: z.boolean().optional(),
  })
  .strict()
  .refine(hasWords, WORDS_MESSAGE)
  .refine((e) => e.terminates === undefined || e.modifier === 'terminate', { message: 'only a terminate entry takes terminates', path: ['terminates'] })
  .refine((e) => e.closed === undefined || TERMINABLE_MODIFIERS.includes(e.modifier as TerminableModifier), { message: 'only a trigger (negated, uncertain, hypothetical, historical, family, other) takes closed', path: ['closed'] })
  .refine((e) => e.direction !== undefined || e.modifier === 'pseudo' || e.modifier === 'terminate' || e.modifier === 'patient', {
    message: 'context triggers need a direction (forward, backward or both)',
    path: ['direction'],
  });

export const VocabularyEntrySchema = z
  .object({
    kind: z.literal('vocabulary'),
    ...common,
    use: z.enum(MATCHED_USES).optional(),
    name: z.string().regex(VOCABULARY_NAME, 'must be lower-case kebab-case (patterns refer to it as {name})').optional(),
  })
  .strict()
  .refine(hasWords, WORDS_MESSAGE)
  .refine((e) => e.use !== undefined || e.name !== undefined, { message: 'a vocabulary needs a name (or a use)', path: ['name'] });

export const DisableEntrySchema = z
  .object({ kind: z.literal('disable'), id: IdSchema, disabled: z.literal(true), notes: z.string().optional() })
  .strict();

/** What an entry is for, when it does not say: from the keys it has. */
export function inferKind(raw: Record<string, unknown>): string | undefined {
  if (typeof raw.kind === 'string') return raw.kind;
  if (raw.disabled === true && Object.keys(raw).every((k) => k === 'id' || k === 'disabled' || k === 'notes')) return 'disable';
  if (raw.category !== undefined) return 'finding';
  if (raw.use === 'context') return 'context';
  if (raw.use !== undefined || raw.name !== undefined) return 'vocabulary';
  return undefined;
}

export const EntrySchema = z.preprocess(
  (raw) => {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw;
    const o = raw as Record<string, unknown>;
    const kind = inferKind(o);
    return kind === undefined || o.kind === kind ? o : { ...o, kind };
  },
  z.discriminatedUnion(
    'kind',
    [FindingEntrySchema, ContextEntrySchema, VocabularyEntrySchema, DisableEntrySchema],
    { error: () => 'say what the entry is for: a category (a finding), use: context (a context trigger), use or name (a vocabulary), or only disabled: true' },
  ),
);

export type FindingEntry = z.infer<typeof FindingEntrySchema>;
export type ContextEntry = z.infer<typeof ContextEntrySchema>;
export type VocabularyEntry = z.infer<typeof VocabularyEntrySchema>;
export type DisableEntry = z.infer<typeof DisableEntrySchema>;
export type LexiconEntry = FindingEntry | ContextEntry | VocabularyEntry | DisableEntry;

interface Where {
  file: string;
  /** 1-based line of the entry in its file, when known */
  line?: number;
  /** 1-based line of each of its top-level fields, when known */
  lines?: Record<string, number>;
}
/** An entry as loaded: where it came from, for errors and lint. Disabling stubs are applied at load and never loaded. */
export type LoadedFinding = FindingEntry & Where;
export type LoadedContext = ContextEntry & Where;
export type LoadedVocabulary = VocabularyEntry & Where;
export type LoadedEntry = LoadedFinding | LoadedContext | LoadedVocabulary;

export const isFinding = (e: LexiconEntry): e is FindingEntry => e.kind === 'finding';
export const isContext = (e: LexiconEntry): e is ContextEntry => e.kind === 'context';
export const isVocabulary = (e: LexiconEntry): e is VocabularyEntry => e.kind === 'vocabulary';
