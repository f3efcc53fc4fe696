/**
 * `npm run eval -- --physionet DIR [--split a|b] [--details] [--json]`
 *
 * Scores the scanner on the PhysioNet deid notes (../shared/eval/external/README.md): each note
 * of DIR/id.text (latin1) is scanned with `scan(note, { kind: 'entry' })` and no patient context;
 * a gold phrase of DIR/id-phi.phrase counts as reported when a `thirdParty` finding overlaps it.
 * Relatives' and proxies' names (`RelativeProxyName`) should be reported; clinicians' names
 * (`HCPName`) should not; every other type is shown for reading. Offsets are into the note's
 * text after its header line, and are checked against the phrase text the gold file gives.
 * `--split a` keeps notes at odd positions in id.text, `b` even ones. Output: ids, offsets and
 * counts only, never note text.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding, ScanResult } from '../src/model/index.js';
import { inSplit, ratio, table, type Split } from './eval-external.js';

export interface Note {
  patient: string;
  note: string;
  /** `patient-note` */
  id: string;
  /** 1-based position in id.text (the split is by this) */
  index: number;
  text: string;
}

export interface GoldPhrase {
  patient: string;
  note: string;
  start: number;
  end: number;
  type: string;
  /** the phrase as the gold file gives it after the type, when it does */
  phrase?: string;
}

const RECORD = /START_OF_RECORD=([^|\n]*)\|\|\|\|([^|\n]*)\|\|\|\|[^\n]*\n([\s\S]*?)\|\|\|\|END_OF_RECORD/g;

/** The notes of an id.text (already decoded); the text is what follows the header line. */
export function parseRecords(text: string): Note[] {
  const notes: Note[] = [];
  for (const m of text.matchAll(RECORD)) {
    notes.push({ patient: m[1], note: m[2], id: `${m[1]}-${m[2]}`, index: notes.length + 1, text: m[3] });
  }
  return notes;
}

const PHRASE_LINE = /^(\S+)\s+(\S+)\s+(\d+)\s+(\d+)\s+(\S+)(?:[ \t](.*))?$/;

/** The gold phrases: `patient note start end TYPE [phrase]` a line. Throws on a malformed line. */
export function parsePhrases(text: string): GoldPhrase[] {
  const out: GoldPhrase[] = [];
  text.split(/\r?\n/).forEach((l, i) => {
    if (!l.trim()) return;
    const m = PHRASE_LINE.exec(l);
    if (!m) throw new Error(`physionet: id-phi.phrase line ${i + 1}: not "patient note start end TYPE [phrase]"`);
    const start = Number(m[3]);
    const end = Number(m[4]);
    if (!(end > start)) throw new Error(`physionet: id-phi.phrase line ${i + 1}: end ${end} is not after start ${start}`);
    out.push({ patient: m[1], note: m[2], start, end, type: m[5], ...(m[6] !== undefined && m[6] !== '' ? { phrase: m[6] } : {}) });
  });
  return out;
}

export function readPhysionet(dir: string): { notes: Note[]; gold: GoldPhrase[] } {
  return {
    notes: parseRecords(readFileSync(join(dir, 'id.text'), 'latin1')),
    gold: parsePhrases(readFileSync(join(dir, 'id-phi.phrase'), 'latin1')),
  };
}

export interface OffsetCheck {
  total: number;
  /** phrases whose line carries the phrase text */
  withPhrase: number;
  /** ... and whose span in the note is exactly that text */
  exact: number;
  /** ... or equal once whitespace is collapsed */
  whitespace: number;
  /** span text differs from the stated phrase (ids and offsets) */
  mismatched: string[];
  /** span beyond the end of its note */
  outOfRange: string[];
  /** phrase names a note that id.text does not have */
  noNote: string[];
}

const key = (patient: string, note: string) => `${patient}-${note}`;
const where = (g: GoldPhrase) => `${key(g.patient, g.note)}@${g.start}-${g.end}`;

export function checkOffsets(notes: Note[], gold: GoldPhrase[]): OffsetCheck {
  const byId = new Map(notes.map((n) => [n.id, n]));
  const c: OffsetCheck = { total: gold.length, withPhrase: 0, exact: 0, whitespace: 0, mismatched: [], outOfRange: [], noNote: [] };
  const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
  for (const g of gold) {
    const n = byId.get(key(g.patient, g.note));
    if (!n) {
      c.noNote.push(where(g));
      continue;
    }
    if (g.end > n.text.length) {
      c.outOfRange.push(where(g));
      continue;
    }
    if (g.phrase === undefined) continue;
    c.withPhrase++;
    const span = n.text.slice(g.start, g.end);
    if (span === g.phrase) c.exact++;
    else if (squash(span) === squash(g.phrase)) c.whitespace++;
    else c.mismatched.push(where(g));
  }
  return c;
}

/** Name types first, in this order; "found" for the ones to report, "reported" for the ones not to. */
export const NAME_TYPES: { type: string; goal: 'found' | 'reported'; note: string }[] = [
  { type: 'RelativeProxyName', goal: 'found', note: 'relatives and proxies: third parties (higher is better)' },
  { type: 'HCPName', goal: 'reported', note: 'clinicians: professionals, not third parties (lower is better)' },
  { type: 'PTName', goal: 'reported', note: "the patient's own name; no patient context is given, so the scanner cannot know it (for reading)" },
];

export interface TypeScore {
  type: string;
  total: number;
  /** overlapped by any thirdParty finding */
  overlapped: number;
  /** overlapped by an affirmed (not negated, not hypothetical) thirdParty finding */
  overlappedAffirmed: number;
  hits: { id: string; start: number; end: number; rules: string[] }[];
  misses: { id: string; start: number; end: number; rules: string[] }[];
}

export interface PhysionetReport {
  split?: Split;
  notes: number;
  phrases: number;
  thirdPartyFindings: number;
  /** notes whose scan reported an error */
  scanErrors: string[];
  types: TypeScore[];
}

export type ScanFn = (text: string) => ScanResult;

const overlaps = (f: Finding, s: number, e: number) => f.start < e && f.end > s;
const affirmed = (f: Finding) => !f.modifiers.negated && !f.modifiers.hypothetical;

export function scorePhysionet(notes: Note[], gold: GoldPhrase[], scanFn: ScanFn, split?: Split): PhysionetReport {
  const kept = notes.filter((n) => inSplit(n.index, split));
  const goldByNote = new Map<string, GoldPhrase[]>();
  for (const g of gold) {
    const k = key(g.patient, g.note);
    goldByNote.set(k, [...(goldByNote.get(k) ?? []), g]);
  }
  const types = new Map<string, TypeScore>();
  const typeScore = (t: string) => {
    let s = types.get(t);
    if (!s) types.set(t, (s = { type: t, total: 0, overlapped: 0, overlappedAffirmed: 0, hits: [], misses: [] }));
    return s;
  };
  for (const nt of NAME_TYPES) typeScore(nt.type);
  const rep: PhysionetReport = { split, notes: kept.length, phrases: 0, thirdPartyFindings: 0, scanErrors: [], types: [] };
  for (const n of kept) {
    const res = scanFn(n.text);
    if (res.error) rep.scanErrors.push(n.id);
    const tp = res.findings.filter((f) => f.category === 'thirdParty');
    rep.thirdPartyFindings += tp.length;
    for (const g of goldByNote.get(n.id) ?? []) {
      rep.phrases++;
      const s = typeScore(g.type);
      s.total++;
      const over = tp.filter((f) => overlaps(f, g.start, g.end));
      // the rules of every finding on the span, of any category (for reading the misses)
      const rules = [...new Set(res.findings.filter((f) => overlaps(f, g.start, g.end)).map((f) => `${f.category}:${f.ruleId}`))];
      const item = { id: n.id, start: g.start, end: g.end, rules };
      if (over.length) {
        s.overlapped++;
        s.hits.push(item);
      } else s.misses.push(item);
      if (over.some(affirmed)) s.overlappedAffirmed++;
    }
  }
  const order = NAME_TYPES.map((t) => t.type);
  rep.types = [...types.values()].sort((a, b) => {
    const ia = order.indexOf(a.type);
    const ib = order.indexOf(b.type);
    if (ia >= 0 || ib >= 0) return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
    const an = /Name$/.test(a.type) ? 0 : 1;
    const bn = /Name$/.test(b.type) ? 0 : 1;
    return an - bn || a.type.localeCompare(b.type);
  });
  return rep;
}

export function formatOffsets(c: OffsetCheck): string {
  const lines = [
    `gold phrases ${c.total}; with the phrase text on the line ${c.withPhrase}; span equals it exactly ${c.exact}` +
      (c.whitespace ? `, up to whitespace ${c.whitespace}` : '') +
      `; differs ${c.mismatched.length}; beyond the note ${c.outOfRange.length}; note missing ${c.noNote.length}`,
  ];
  const bad = [...c.mismatched, ...c.outOfRange, ...c.noNote];
  if (bad.length) lines.push(`  offset problems: ${bad.slice(0, 30).join(', ')}${bad.length > 30 ? `, ... (${bad.length - 30} more)` : ''}`);
  return lines.join('\n');
}

export function formatPhysionet(rep: PhysionetReport, details = false): string {
  const out: string[] = [];
  out.push(`notes ${rep.notes}; gold phrases in them ${rep.phrases}; thirdParty findings ${rep.thirdPartyFindings}; scan errors ${rep.scanErrors.length}`);
  out.push('');
  const label = (t: string) => {
    const nt = NAME_TYPES.find((x) => x.type === t);
    return nt ? (nt.goal === 'found' ? 'found' : 'reported as thirdParty') : 'overlapped by thirdParty (for reading)';
  };
  out.push(
    table(
      ['type', 'measure', 'rate (k/n)', 'affirmed only'],
      rep.types.map((s) => [s.type, label(s.type), ratio(s.overlapped, s.total), ratio(s.overlappedAffirmed, s.total)]),
      2,
    ),
  );
  out.push('');
  for (const nt of NAME_TYPES) out.push(`${nt.type}: ${nt.note}`);
  if (rep.scanErrors.length) out.push(`scan errors: ${rep.scanErrors.join(', ')}`);
  if (details) {
    const list = (items: TypeScore['hits']) =>
      items.map((i) => `  ${i.id}@${i.start}-${i.end}${i.rules.length ? ` [${i.rules.join(' ')}]` : ''}`).join('\n') || '  none';
    for (const s of rep.types) {
      const nt = NAME_TYPES.find((x) => x.type === s.type);
      if (!nt) continue;
      if (nt.goal === 'found') out.push(`\n${s.type} missed (${s.misses.length}):\n${list(s.misses)}`);
      else out.push(`\n${s.type} reported as thirdParty (${s.hits.length}):\n${list(s.hits)}`);
    }
  }
  return out.join('\n');
}
