import { z } from 'zod';
import { BinarySchema, BundleSchema, CompositionSchema, DocumentReferenceSchema } from '../batch/readers/fhir/schema.js';
import { CategorySchema, RedactionSchema, ScanContextSchema, ScanResultSchema } from '../model/index.js';
import { toolVersion } from '../version.js';

/** Request and response bodies of the service: validated with these, and described by them in /openapi.json. */

export const ScanRequestSchema = z
  .object({
    text: z.string().describe('the entry or letter, as plain text'),
    context: ScanContextSchema.optional().describe("whose record it is (so the patient's own details are not third parties), entry or letter, and an id echoed back"),
  })
  .strict();
export type ScanRequest = z.infer<typeof ScanRequestSchema>;

export const RedactRequestSchema = z
  .object({
    text: z.string().describe('the entry or letter, as plain text'),
    context: ScanContextSchema.optional().describe("whose record it is (a mention that fits the patient is not redacted), entry or letter, an id"),
    categories: z.array(CategorySchema).min(1).optional().describe('the categories whose affirmed findings are replaced by a label; default ["thirdParty"]'),
  })
  .strict();
export type RedactRequest = z.infer<typeof RedactRequestSchema>;

export const RedactResponseSchema = z.object({
  text: z.string().describe('the text with each affirmed finding of the chosen categories, and every other mention of a redacted person, replaced by a label naming its category'),
  redactions: z.array(RedactionSchema).describe('what was redacted: category, rule and offsets in the original text (no text)'),
});

export const FhirRequestSchema = z
  .union([DocumentReferenceSchema, CompositionSchema, BinarySchema, BundleSchema])
  .describe('a FHIR R4 DocumentReference (attachments inline as base64 data), Composition, Binary, or a Bundle of them with their Patient');

export const ErrorSchema = z.object({
  error: z.string().describe('what is wrong, in words that never quote the request'),
  path: z.string().optional().describe('400 only: a JSON Pointer (RFC 6901) to the part of the body that is wrong; empty for the body as a whole'),
});

export const HealthSchema = z.object({ status: z.literal('ok'), version: z.string(), lexiconVersion: z.string(), workers: z.number().int(), pending: z.number().int() });

const json = (schema: z.ZodType) => ({ 'application/json': { schema: z.toJSONSchema(schema, { unrepresentable: 'any', io: 'output' }) } });
const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((c) => [
      String(c),
      {
        description: { 400: 'invalid body', 401: 'missing or wrong bearer token', 413: 'body over --max-body', 415: 'not JSON', 500: 'a worker failed on this request', 503: 'saturated: retry later', 504: 'not answered within --timeout' }[c] ?? 'error',
        content: json(ErrorSchema),
      },
    ]),
  );

/** The OpenAPI 3.1 description of the service, from the same zod schemas that validate it. */
export function openApiDocument(auth: boolean): Record<string, unknown> {
  const secured = auth ? { security: [{ bearer: [] }] } : {};
  return {
    openapi: '3.1.0',
    info: { title: 'safeguard-scan', version: toolVersion(), description: 'Decides which GP record entries and letters may be shown to patients online. Record text is never logged.' },
    ...(auth ? { components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } } } : {}),
    paths: {
      '/scan': {
        post: {
          summary: 'Scan one text',
          ...secured,
          requestBody: { required: true, content: json(ScanRequestSchema) },
          responses: { 200: { description: 'the scan result, as the library gives it', content: json(ScanResultSchema) }, ...errors(400, 401, 413, 415, 500, 503, 504) },
        },
      },
      '/fhir': {
        post: {
          summary: 'Scan a FHIR resource or Bundle and return it with security labels added',
          ...secured,
          requestBody: { required: true, content: { 'application/fhir+json': { schema: z.toJSONSchema(FhirRequestSchema, { unrepresentable: 'any', io: 'input' }) }, ...json(FhirRequestSchema) } },
          responses: {
            200: { description: 'the same resource, with meta.security (NOPAT, sensitivity codes) and meta.tag (review pending) added; existing labels kept', content: { 'application/fhir+json': { schema: { type: 'object' } } } },
            ...errors(400, 401, 413, 415, 500, 503, 504),
          },
        },
      },
      '/redact': {
        post: {
          summary: 'Scan one text and return it redacted (subject access requests, letters sent on)',
          ...secured,
          requestBody: { required: true, content: json(RedactRequestSchema) },
          responses: { 200: { description: 'the redacted text and what was redacted', content: json(RedactResponseSchema) }, ...errors(400, 401, 413, 415, 500, 503, 504) },
        },
      },
      '/healthz': { get: { summary: 'Liveness (no token needed)', responses: { 200: { description: 'up', content: json(HealthSchema) } } } },
      '/openapi.json': { get: { summary: 'This document', ...secured, responses: { 200: { description: 'OpenAPI 3.1' }, ...errors(401) } } },
    },
  };
}

