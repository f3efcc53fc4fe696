import type { Category, Verdict } from '../model/index.js';
import type { DocumentResult } from '../model/index.js';

const CATS: Category[] = ['thirdParty', 'safeguarding', 'sensitive', 'harm'];

/** Running counts for a run's closing summary and exit code; constant size however long the run. */
export class Tally {
  documents = 0;
  bytes = 0;
  errors = 0;
  verdicts: Record<Verdict, number> = { visible: 0, review: 0, withhold: 0 };
  /** documents with at least one finding counting towards each category */
  categories: Record<Category, number> = { thirdParty: 0, safeguarding: 0, sensitive: 0, harm: 0 };
  /** documents with a recorded decision that still holds (scan --decisions) */
  decided = 0;
  /** verdicts of the documents nobody has decided yet: the review queue, and what --fail-on counts */
  undecided: Record<Verdict, number> = { visible: 0, review: 0, withhold: 0 };

  add(d: Pick<DocumentResult, 'verdict' | 'categories' | 'error' | 'bytes' | 'decision'>): void {
    this.documents++;
    this.bytes += d.bytes ?? 0;
    if (d.error) this.errors++;
    if (d.verdict in this.verdicts) this.verdicts[d.verdict]++;
    if (d.decision !== undefined) this.decided++;
    else if (d.verdict in this.undecided) this.undecided[d.verdict]++;
    for (const c of CATS) if ((d.categories?.[c]?.count ?? 0) > 0) this.categories[c]++;
  }

  merge(o: Tally): void {
    this.documents += o.documents;
    this.bytes += o.bytes;
    this.errors += o.errors;
    this.decided += o.decided;
    for (const v of Object.keys(this.verdicts) as Verdict[]) {
      this.verdicts[v] += o.verdicts[v];
      this.undecided[v] += o.undecided[v];
    }
    for (const c of CATS) this.categories[c] += o.categories[c];
  }

  /** undecided documents at or above a verdict: a document whose recorded decision holds is out of the queue and of the exit code */
  atLeast(v: Verdict): number {
    return v === 'review' ? this.undecided.review + this.undecided.withhold : this.undecided.withhold;
  }
}

export interface SummaryInput {
  /** the whole job: journal (resume) and this run */
  total: Tally;
  /** this run only */
  run: Tally;
  files: number;
  skipped: number;
  resumed: number;
  seconds: number;
  interrupted?: string;
  peakRssMb?: number;
  /** CPU time of the whole process (all threads) */
  cpuSeconds?: number;
}

/** The closing summary (stderr). Counts only: never record text. */
export function formatSummary(s: SummaryInput): string {
  const t = s.total;
  const rate = s.seconds > 0 ? s.run.documents / s.seconds : 0;
  const mbs = s.seconds > 0 ? s.run.bytes / 1024 / 1024 / s.seconds : 0;
  const lines = [
    `${s.interrupted ? `interrupted (${s.interrupted}): ` : ''}${t.documents} documents from ${s.files} files` +
      `${s.skipped ? `, ${s.skipped} files skipped` : ''}; ${t.verdicts.withhold} withhold, ${t.verdicts.review} review, ${t.verdicts.visible} visible` +
      `${t.errors ? `, ${t.errors} with errors` : ''}${t.decided ? `; ${t.decided} decided, ${t.undecided.withhold + t.undecided.review} undecided at review or above` : ''}`,
    `  categories: ${CATS.map((c) => `${c} ${t.categories[c]}`).join(', ')}`,
  ];
  if (s.resumed) lines.push(`  resumed: ${s.resumed} documents were already recorded; ${s.run.documents} scanned now`);
  lines.push(
    `  time: ${s.seconds.toFixed(1)} s${s.cpuSeconds !== undefined ? ` (CPU ${s.cpuSeconds.toFixed(1)} s)` : ''}, ${rate.toFixed(0)} documents/s, ${mbs.toFixed(2)} MB/s` +
      (s.peakRssMb !== undefined ? `, peak memory ${s.peakRssMb.toFixed(0)} MB` : ''),
  );
  return lines.join('\n');
}
