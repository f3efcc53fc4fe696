import { isAbsolute, relative } from 'node:path';
import type * as Sarif from 'sarif';
import type { DocumentResult } from '../model/index.js';
import type { Finding, Verdict } from '../model/index.js';
import { CATEGORY_LABEL, docLabel, modifiersText } from './labels.js';
import { LineIndex } from './lines.js';

/**
 * `--format sarif`: SARIF 2.1.0, written by hand. One rule per lexicon entry or detector that
 * fired; one result per finding, at the level the scanner decided that finding earns on its own
 * under the thresholds in force (error = withhold, warning = review, note = visible): this writer
 * never re-applies the policy. Messages name the kind of finding, never the
 * record text. Regions are UTF-16 offsets into the scanned (extracted) text, plus line and
 * column when the text is supplied.
 */

export interface SarifOptions {
  toolVersion: string;
  lexiconVersion: string;
  /** absolute paths are made relative to this (default: the working directory) */
  baseDir?: string;
}

type Doc = DocumentResult & { text?: string };

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const UNREADABLE_RULE_ID = 'safeguard-scan/unreadable';

const LEVEL: Record<Verdict, Sarif.Result.level> = { withhold: 'error', review: 'warning', visible: 'note' };

/** The path as the run names it: relative to `baseDir`, with forward slashes. */
export function relativePath(path: string, baseDir = process.cwd()): string {
  return (isAbsolute(path) ? relative(baseDir, path) : path).split(/[\\/]/).join('/');
}

/** A relative URI reference for a path: each segment percent-encoded (`#`, `?`, spaces). */
export function artifactUri(path: string, baseDir?: string): string {
  return relativePath(path, baseDir).split('/').map(encodeURIComponent).join('/');
}

function ruleFor(id: string, f?: Finding): Sarif.ReportingDescriptor {
  if (!f) {
    return {
      id,
      name: 'UnreadableDocument',
      shortDescription: { text: 'The document could not be read; a clinician must review it.' },
      defaultConfiguration: { level: 'warning' },
      properties: { category: 'error' },
    };
  }
  return {
    id,
    shortDescription: { text: `${CATEGORY_LABEL[f.category]}: ${f.type.replace(/-/g, ' ')}` },
    properties: { category: f.category, type: f.type, tags: [f.category, f.type] },
  };
}

function message(f: Finding, level: Verdict, d: Doc): string {
  return `${CATEGORY_LABEL[f.category]} finding (${f.type.replace(/-/g, ' ')}), ${modifiersText(f.modifiers)}: ${level} on its own; document verdict ${d.verdict}.`;
}

/** What the first pass learns: rules and artifacts in order of first appearance. */
function index(docs: Doc[], baseDir?: string) {
  const rules = new Map<string, { index: number; rule: Sarif.ReportingDescriptor; types: Set<string> }>();
  const artifacts = new Map<string, { index: number; artifact: Sarif.Artifact }>();
  for (const d of docs) {
    const uri = artifactUri(d.path, baseDir);
    if (!artifacts.has(uri)) {
      const artifact: Sarif.Artifact = { location: { uri } };
      if (d.encoding) artifact.encoding = d.encoding;
      artifacts.set(uri, { index: artifacts.size, artifact });
    }
    if (d.error && !rules.has(UNREADABLE_RULE_ID)) rules.set(UNREADABLE_RULE_ID, { index: rules.size, rule: ruleFor(UNREADABLE_RULE_ID), types: new Set() });
    for (const f of d.findings) {
      let r = rules.get(f.ruleId);
      if (!r) rules.set(f.ruleId, (r = { index: rules.size, rule: ruleFor(f.ruleId, f), types: new Set() }));
      r.types.add(f.type);
    }
  }
  // A detector can report several types (e.g. identifiers): list them all.
  for (const r of rules.values()) if (r.types.size > 1) r.rule.properties = { ...r.rule.properties, types: [...r.types].sort() };
  return { rules, artifacts };
}

function* resultsOf(d: Doc, ctx: ReturnType<typeof index>, opts: SarifOptions): Generator<Sarif.Result> {
  const uri = artifactUri(d.path, opts.baseDir);
  const artifactLocation: Sarif.ArtifactLocation = { uri, index: ctx.artifacts.get(uri)!.index };
  const logicalLocations: Sarif.LogicalLocation[] | undefined =
    d.record !== undefined ? [{ name: d.record, fullyQualifiedName: docLabel(d), kind: 'record' }] : undefined;
  if (d.error) {
    yield {
      ruleId: UNREADABLE_RULE_ID,
      ruleIndex: ctx.rules.get(UNREADABLE_RULE_ID)!.index,
      level: LEVEL[d.verdict],
      kind: 'fail',
      message: { text: `The document could not be read: ${d.error}.` },
      locations: [{ physicalLocation: { artifactLocation }, ...(logicalLocations ? { logicalLocations } : {}) }],
      properties: { verdict: d.verdict, ...(d.record !== undefined ? { record: d.record } : {}) },
    };
  }
  // Line and column only when we hold the very text the offsets refer to.
  const lines = d.text !== undefined ? new LineIndex(d.text) : undefined;
  for (const f of d.findings) {
    // A finding without a level comes from an older result file: it earned at most the document's verdict.
    const level = f.level ?? d.verdict;
    const region: Sarif.Region = { charOffset: f.start, charLength: f.end - f.start };
    if (lines && f.end <= lines.length) Object.assign(region, lines.region(f.start, f.end));
    yield {
      ruleId: f.ruleId,
      ruleIndex: ctx.rules.get(f.ruleId)!.index,
      level: LEVEL[level],
      kind: 'fail',
      message: { text: message(f, level, d) },
      locations: [{ physicalLocation: { artifactLocation, region }, ...(logicalLocations ? { logicalLocations } : {}) }],
      // Stable across runs of the same text, so that viewers can match results between runs.
      partialFingerprints: { 'safeguardScan/v1': `${d.sha256.slice(0, 16)}:${f.ruleId}:${f.start}:${f.end}` },
      properties: {
        category: f.category,
        type: f.type,
        score: f.score,
        modifiers: f.modifiers,
        verdict: d.verdict,
        documentScore: d.score,
        ...(d.record !== undefined ? { record: d.record } : {}),
      },
    };
  }
}

/**
 * The log in pieces, results one per line, so that a long run is written without building one
 * huge string. Rules and artifacts are gathered in a first pass over `docs`.
 */
export function* sarifChunks(docs: Doc[], opts: SarifOptions): Generator<string> {
  const ctx = index(docs, opts.baseDir);
  const driver: Sarif.ToolComponent = {
    name: 'safeguard-scan',
    version: opts.toolVersion,
    semanticVersion: opts.toolVersion,
    rules: [...ctx.rules.values()].map((r) => r.rule),
  };
  const notifications: Sarif.Notification[] = docs
    .filter((d) => d.error)
    .map((d) => ({
      level: 'error',
      message: { text: `${docLabel({ path: relativePath(d.path, opts.baseDir), record: d.record })}: ${d.error}` },
      locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(d.path, opts.baseDir) } } }],
    }));
  const head = {
    tool: { driver },
    columnKind: 'utf16CodeUnits',
    artifacts: [...ctx.artifacts.values()].map((a) => a.artifact),
  };
  const tail = {
    invocations: [{ executionSuccessful: notifications.length === 0, toolExecutionNotifications: notifications }],
    properties: { lexiconVersion: opts.lexiconVersion, documents: docs.length },
  };
  const open = JSON.stringify({ $schema: SCHEMA, version: '2.1.0', runs: [head] });
  // Splice `"results":[` into the run object: `open` ends with `}]}`.
  yield `${open.slice(0, -3)},"results":[\n`;
  let first = true;
  for (const d of docs) {
    for (const r of resultsOf(d, ctx, opts)) {
      yield `${first ? '' : ',\n'}${JSON.stringify(r)}`;
      first = false;
    }
  }
  yield `\n],${JSON.stringify(tail).slice(1, -1)}}]}\n`;
}

export function formatSarif(docs: Doc[], opts: SarifOptions): string {
  return [...sarifChunks(docs, opts)].join('');
}
