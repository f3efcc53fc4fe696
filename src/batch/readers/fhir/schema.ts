import { z } from 'zod';

/**
 * The FHIR R4 shapes this reader uses, and only the fields it uses: every other field is allowed
 * and kept as it was (the output is the input resource with labels added). Validation names the
 * FHIR path of a problem, never a value.
 */

export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';

/** FHIR base64Binary: base64 characters, optionally broken by whitespace. */
const BASE64 = /^[\sA-Za-z0-9+/]*={0,2}\s*$/;

export const CodingSchema = z.looseObject({ system: z.string().optional(), code: z.string().optional(), display: z.string().optional() });
export type Coding = z.infer<typeof CodingSchema>;

export const MetaSchema = z.looseObject({ security: z.array(CodingSchema).optional(), tag: z.array(CodingSchema).optional() });

export const IdentifierSchema = z.looseObject({ system: z.string().optional(), value: z.string().optional() });

export const ReferenceSchema = z.looseObject({ reference: z.string().optional(), display: z.string().optional(), identifier: IdentifierSchema.optional() });

export const AttachmentSchema = z.looseObject({
  contentType: z.string().optional(),
  data: z.string().regex(BASE64, 'is not base64').optional(),
  url: z.string().optional(),
  title: z.string().optional(),
});
export type Attachment = z.infer<typeof AttachmentSchema>;

const resource = <T extends string>(type: T) => ({ resourceType: z.literal(type), id: z.string().optional(), meta: MetaSchema.optional() });

export const DocumentReferenceSchema = z.looseObject({
  ...resource('DocumentReference'),
  subject: ReferenceSchema.optional(),
  description: z.string().optional(),
  content: z.array(z.looseObject({ attachment: AttachmentSchema })).min(1),
  contained: z.array(z.looseObject({ resourceType: z.string() })).optional(),
});
export type DocumentReference = z.infer<typeof DocumentReferenceSchema>;

/** Composition sections nest; each has a title and XHTML narrative. */
export interface Section {
  title?: string;
  text?: { div?: string };
  section?: Section[];
  [k: string]: unknown;
}
export const SectionSchema: z.ZodType<Section> = z.lazy(() =>
  z.looseObject({
    title: z.string().optional(),
    text: z.looseObject({ div: z.string().optional() }).optional(),
    section: z.array(SectionSchema).optional(),
  }),
);

export const CompositionSchema = z.looseObject({
  ...resource('Composition'),
  subject: ReferenceSchema.optional(),
  title: z.string().optional(),
  section: z.array(SectionSchema).optional(),
  contained: z.array(z.looseObject({ resourceType: z.string() })).optional(),
});
export type Composition = z.infer<typeof CompositionSchema>;

export const BinarySchema = z.looseObject({
  ...resource('Binary'),
  contentType: z.string(),
  data: z.string().regex(BASE64, 'is not base64').optional(),
});
export type Binary = z.infer<typeof BinarySchema>;

export const HumanNameSchema = z.looseObject({
  use: z.string().optional(),
  text: z.string().optional(),
  family: z.string().optional(),
  given: z.array(z.string()).optional(),
  prefix: z.array(z.string()).optional(),
});

export const PatientResourceSchema = z.looseObject({
  ...resource('Patient'),
  name: z.array(HumanNameSchema).optional(),
  identifier: z.array(IdentifierSchema).optional(),
  birthDate: z.string().optional(),
  gender: z.string().optional(),
});
export type PatientResource = z.infer<typeof PatientResourceSchema>;

export const BundleSchema = z.looseObject({
  ...resource('Bundle'),
  type: z.string().optional(),
  entry: z.array(z.looseObject({ fullUrl: z.string().optional(), resource: z.looseObject({ resourceType: z.string() }).optional() })).optional(),
});
export type Bundle = z.infer<typeof BundleSchema>;

/** Any resource: only its type is known before it is read by its own schema. */
export const AnyResourceSchema = z.looseObject({ resourceType: z.string().min(1) });

/** Resources read as documents, and the one read for whose record it is. */
export const DOCUMENT_TYPES = ['DocumentReference', 'Composition', 'Binary'] as const;
export const READ_TYPES = [...DOCUMENT_TYPES, 'Patient', 'Bundle'] as const;
