import type { Patient } from '../../../model/index.js';
import type { JsonPath } from './path.js';
import { PatientIndex } from './patient.js';
import {
  AnyResourceSchema,
  BinarySchema,
  BundleSchema,
  CompositionSchema,
  DocumentReferenceSchema,
  type Attachment,
  type Binary,
  type Section,
} from './schema.js';
import type { z } from 'zod';

/**
 * What to read from one root value (a .json file, or a line of an NDJSON file): a plan per
 * document resource (DocumentReference, Composition, a Binary no DocumentReference points to),
 * with whose record it is and the pieces its text comes from. Planning reads no attachment; the
 * reader does (heavy types in the reader child process). A problem (a malformed resource, an
 * attachment given only by url) is kept with its JSON path, so the reader can name the FHIR path
 * and line, and the service the JSON Pointer.
 */

export interface Piece {
  /** the piece's place within its resource, as a part name (`content[0].attachment`, `section[1].text`) */
  name: string;
  /** where its bytes are in the root value */
  path: JsonPath;
  contentType?: string;
  /** base64, as in the resource */
  data?: string;
  /** plain text taken from the resource itself (description, section title) */
  text?: string;
  /** why it cannot be read */
  problem?: string;
}

export interface DocPlan {
  /** the resource's place in the root value */
  path: JsonPath;
  rootType: string;
  resourceType: string;
  /** `Type/id`, or the resource's path when it has no id; undefined for a root resource without an id */
  record?: string;
  patient?: Patient;
  pieces: Piece[];
  /** the resource itself is malformed: the document is an error */
  problem?: { path: JsonPath; message: string };
  /** Binaries of the same root read as this document's attachments: they carry its labels too */
  also: JsonPath[];
}

const pathName = (path: JsonPath) => path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${p}`)).join('');

/** The first problem zod found, at its full path (`at` is the resource's path in the root), in words that quote no value. */
export function firstIssue(err: z.ZodError, at: JsonPath): { path: JsonPath; message: string } {
  const issue = err.issues[0];
  return { path: [...at, ...(issue.path as (string | number)[])], message: issueMessage(issue) };
}

export function issueMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return /received undefined/.test(issue.message) ? 'is required' : `must be ${issue.expected === 'object' ? 'an object' : issue.expected === 'array' ? 'an array' : `a ${issue.expected}`}`;
    case 'too_small':
      return issue.origin === 'array' ? 'must not be empty' : 'is too short';
    case 'invalid_format':
      return issue.message === 'is not base64' ? 'is not base64' : 'is not in the right format';
    case 'unrecognized_keys':
      return `has unknown field${issue.keys.length === 1 ? '' : 's'} (not listed: look at the request)`;
    default:
      return issue.message === 'is not base64' ? 'is not base64' : 'is not valid here';
  }
}

interface RootContext {
  rootType: string;
  patients: PatientIndex;
  /** Binaries of the Bundle by fullUrl and `Binary/id`, with their path */
  binaries: Map<string, { path: JsonPath; binary: Binary }>;
  referenced: Set<string>;
}

function attachmentPiece(att: Attachment, name: string, path: JsonPath, ctx: RootContext, contained: unknown[] | undefined, also: JsonPath[]): Piece {
  if (att.data !== undefined) return { name, path: [...path, 'data'], contentType: att.contentType, data: att.data };
  const url = att.url?.trim();
  if (url) {
    // A reference to a Binary in the same Bundle (or contained) is read from there: no network.
    let hit = ctx.binaries.get(url) ?? ctx.binaries.get(/Binary\/[^/]+$/.exec(url)?.[0] ?? '\0');
    if (!hit && url.startsWith('#')) {
      const i = (contained ?? []).findIndex((r) => (r as { resourceType?: unknown; id?: unknown }).resourceType === 'Binary' && (r as { id?: unknown }).id === url.slice(1));
      const b = i >= 0 ? BinarySchema.safeParse((contained ?? [])[i]) : undefined;
      if (b?.success) hit = { path: [...path.slice(0, -3), 'contained', i], binary: b.data };
    }
    if (hit) {
      ctx.referenced.add(JSON.stringify(hit.path));
      also.push(hit.path);
      if (hit.binary.data === undefined) return { name, path: hit.path, problem: 'refers to a Binary that has no data' };
      return { name, path: [...hit.path, 'data'], contentType: hit.binary.contentType ?? att.contentType, data: hit.binary.data };
    }
    return { name, path, problem: 'is given only by url, which is not fetched (no network access): include the data' };
  }
  return { name, path, problem: 'has neither data nor url' };
}

function planDocumentReference(value: unknown, path: JsonPath, ctx: RootContext): DocPlan {
  const plan: DocPlan = { path, rootType: ctx.rootType, resourceType: 'DocumentReference', pieces: [], also: [] };
  const parsed = DocumentReferenceSchema.safeParse(value);
  if (!parsed.success) return { ...plan, problem: firstIssue(parsed.error, path) };
  const d = parsed.data;
  plan.patient = ctx.patients.resolve(d.subject, d.contained);
  if (d.description?.trim()) plan.pieces.push({ name: 'description', path: [...path, 'description'], text: d.description });
  d.content.forEach((c, i) => {
    const at = [...path, 'content', i, 'attachment'];
    plan.pieces.push(attachmentPiece(c.attachment, pathName(['content', i, 'attachment']), at, ctx, d.contained, plan.also));
  });
  return plan;
}

function sectionPieces(sections: Section[] | undefined, rel: JsonPath, path: JsonPath, out: Piece[]): void {
  (sections ?? []).forEach((s, i) => {
    const r = [...rel, 'section', i];
    const p = [...path, 'section', i];
    if (s.title?.trim()) out.push({ name: `${pathName(r)}.title`, path: [...p, 'title'], text: s.title });
    if (s.text?.div?.trim()) out.push({ name: `${pathName(r)}.text`, path: [...p, 'text', 'div'], contentType: 'text/html', text: s.text.div });
    sectionPieces(s.section, r, p, out);
  });
}

function planComposition(value: unknown, path: JsonPath, ctx: RootContext): DocPlan {
  const plan: DocPlan = { path, rootType: ctx.rootType, resourceType: 'Composition', pieces: [], also: [] };
  const parsed = CompositionSchema.safeParse(value);
  if (!parsed.success) return { ...plan, problem: firstIssue(parsed.error, path) };
  const c = parsed.data;
  plan.patient = ctx.patients.resolve(c.subject, c.contained);
  if (c.title?.trim()) plan.pieces.push({ name: 'title', path: [...path, 'title'], text: c.title });
  sectionPieces(c.section, [], path, plan.pieces);
  if (plan.pieces.length === 0) plan.problem = { path: [...path, 'section'], message: 'has no section text to read' };
  return plan;
}

function planBinary(value: unknown, path: JsonPath, ctx: RootContext): DocPlan {
  const plan: DocPlan = { path, rootType: ctx.rootType, resourceType: 'Binary', pieces: [], also: [] };
  const parsed = BinarySchema.safeParse(value);
  if (!parsed.success) return { ...plan, problem: firstIssue(parsed.error, path) };
  if (parsed.data.data === undefined) return { ...plan, problem: { path: [...path, 'data'], message: 'is required (a Binary without data has nothing to read)' } };
  plan.pieces.push({ name: 'data', path: [...path, 'data'], contentType: parsed.data.contentType, data: parsed.data.data });
  return plan;
}

const PLANNERS: Record<string, (v: unknown, p: JsonPath, c: RootContext) => DocPlan> = {
  DocumentReference: planDocumentReference,
  Composition: planComposition,
  Binary: planBinary,
};

/** Record ids: `Type/id`, else the resource's path. */
function withRecord(plan: DocPlan, value: unknown, fallback: string | undefined): DocPlan {
  const id = (value as { id?: unknown })?.id;
  plan.record = typeof id === 'string' && id ? `${plan.resourceType}/${id}` : fallback;
  return plan;
}

/**
 * Plan one root value. `patients` may already hold the Patients of the rest of the file (an
 * NDJSON bulk export keeps them on other lines).
 */
export function planRoot(value: unknown, patients = new PatientIndex()): DocPlan[] {
  const any = AnyResourceSchema.safeParse(value);
  if (!any.success) {
    const message = value === null || typeof value !== 'object' || Array.isArray(value) ? 'is not a JSON object' : 'has no resourceType: not a FHIR resource';
    return [{ path: [], rootType: 'resource', resourceType: 'resource', pieces: [], also: [], problem: { path: [], message } }];
  }
  const rootType = any.data.resourceType;
  const ctx: RootContext = { rootType, patients, binaries: new Map(), referenced: new Set() };
  if (rootType !== 'Bundle') {
    const planner = PLANNERS[rootType];
    if (!planner) return [];
    return [withRecord(planner(value, [], ctx), value, undefined)];
  }
  const parsed = BundleSchema.safeParse(value);
  if (!parsed.success) return [{ path: [], rootType, resourceType: 'Bundle', pieces: [], also: [], problem: firstIssue(parsed.error, []) }];
  const entries = parsed.data.entry ?? [];
  entries.forEach((e, i) => {
    const r = e.resource;
    if (r?.resourceType === 'Patient') patients.add(r, e.fullUrl);
    if (r?.resourceType === 'Binary') {
      const b = BinarySchema.safeParse(r);
      if (!b.success) return;
      const at = { path: ['entry', i, 'resource'], binary: b.data };
      if (e.fullUrl) ctx.binaries.set(e.fullUrl, at);
      if (b.data.id) ctx.binaries.set(`Binary/${b.data.id}`, at);
    }
  });
  const plans: DocPlan[] = [];
  const binaries: { i: number; value: unknown }[] = [];
  entries.forEach((e, i) => {
    const r = e.resource;
    if (!r) return;
    if (r.resourceType === 'Binary') binaries.push({ i, value: r });
    else if (PLANNERS[r.resourceType]) plans.push(withRecord(PLANNERS[r.resourceType](r, ['entry', i, 'resource'], ctx), r, `entry[${i}]`));
  });
  // A Binary that a DocumentReference reads as its attachment is part of that document, not one of its own.
  for (const b of binaries) if (!ctx.referenced.has(JSON.stringify(['entry', b.i, 'resource']))) plans.push(withRecord(planBinary(b.value, ['entry', b.i, 'resource'], ctx), b.value, `entry[${b.i}]`));
  plans.sort((a, b) => (a.path[1] as number) - (b.path[1] as number));
  return plans;
}

/** Patients of a root value, for the other lines of an NDJSON file. */
export function indexPatients(value: unknown, index: PatientIndex): void {
  const v = value as { resourceType?: unknown; entry?: unknown };
  if (v?.resourceType === 'Patient') index.add(v);
  else if (v?.resourceType === 'Bundle' && Array.isArray(v.entry)) for (const e of v.entry as { fullUrl?: string; resource?: unknown }[]) if ((e?.resource as { resourceType?: unknown })?.resourceType === 'Patient') index.add(e.resource, e.fullUrl);
}
