import type { DocumentResult } from '../../model/index.js';
import { applyLabels, labelsFor, type LabelInput } from './labels.js';

/**
 * FHIR output: the input resources with labels added (a Bundle in gives the Bundle out), and one
 * DocumentReference for each document that did not come from FHIR, without its content unless
 * the caller asks for the text.
 */

/** A scanned document's resource in a root value (see the FHIR reader), with its result. */
export interface LabelTarget {
  path: readonly (string | number)[];
  /** Binaries read as its attachments: labelled with it */
  also?: readonly (readonly (string | number)[])[];
  result: LabelInput;
}

function at(root: unknown, path: readonly (string | number)[]): Record<string, unknown> | undefined {
  let cur: unknown = root;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur !== null && typeof cur === 'object' && !Array.isArray(cur) ? (cur as Record<string, unknown>) : undefined;
}

/**
 * Label a root value (a resource or a Bundle) in place: each document's resource, and the
 * Binaries it read, get its labels; a Bundle also gets the strictest of its entries' labels
 * (its high-water mark), so a system that looks only at the Bundle still sees NOPAT.
 */
export function labelRoot<T>(root: T, targets: readonly LabelTarget[]): T {
  const byPath = new Map<string, { path: readonly (string | number)[]; results: LabelInput[] }>();
  const add = (path: readonly (string | number)[], r: LabelInput) => {
    const k = JSON.stringify(path);
    const e = byPath.get(k) ?? { path, results: [] };
    e.results.push(r);
    byPath.set(k, e);
  };
  for (const t of targets) {
    add(t.path, t.result);
    for (const p of t.also ?? []) add(p, t.result);
  }
  for (const { path, results } of byPath.values()) {
    const resource = at(root, path);
    if (resource) applyLabels(resource, labelsFor(results));
  }
  const top = at(root, []);
  if (top?.resourceType === 'Bundle' && !byPath.has('[]')) applyLabels(top, labelsFor(targets.map((t) => t.result)));
  return root;
}

/** A document that is not FHIR, as a DocumentReference: labelled, identified by its path (and record), its text only when given. */
export function documentReferenceFor(d: DocumentResult, text?: string): Record<string, unknown> {
  const value = d.record !== undefined ? `${d.path}#${d.record}` : d.path;
  const attachment: Record<string, unknown> = { contentType: 'text/plain; charset=utf-8', title: value };
  if (text !== undefined) attachment.data = Buffer.from(text, 'utf8').toString('base64');
  const resource: Record<string, unknown> = {
    resourceType: 'DocumentReference',
    status: 'current',
    identifier: [{ system: 'urn:safeguard-scan:document', value }],
    content: [{ attachment }],
  };
  return applyLabels(resource, labelsFor([d]));
}

/** The run's output when it is not one FHIR resource: a Bundle of type collection, written as its entries arrive. */
export const FHIR_COLLECTION_OPEN = '{"resourceType":"Bundle","type":"collection","entry":[';
export const fhirEntry = (resourceJson: string, first: boolean): string => `${first ? '\n' : ',\n'}{"resource":${resourceJson}}`;
/** `meta` goes last: the Bundle's high-water mark is known only when every entry is in. */
export const fhirCollectionClose = (meta: Record<string, unknown> | undefined, any: boolean): string => `${any ? '\n' : ''}]${meta ? `,"meta":${JSON.stringify(meta)}` : ''}}\n`;
