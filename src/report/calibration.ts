import { createHash } from 'node:crypto';
import type { Calibration, ThresholdPoint } from '../authoring/calibrate.js';
import { DECISIONS, type DecisionValue, type Verdict } from '../model/index.js';
import { esc } from './html-escape.js';
import { printable } from './labels.js';

/**
 * `calibrate`'s outputs: a plain-text report for the terminal, and a self-contained HTML page
 * with the precision and recall curves drawn in SVG (no script, no network). Counts,
 * thresholds and document names only: never record text, never a clinician's note.
 */

const pct = (x: number | null) => (x === null ? '   -  ' : `${(x * 100).toFixed(1).padStart(5)}%`);
const VERDICTS: Verdict[] = ['visible', 'review', 'withhold'];

function table(points: ThresholdPoint[], current: number, proposed: number): string[] {
  const lines = ['  threshold  precision  recall  withheld-visible  not-visible  review'];
  for (const p of points) {
    const mark = [p.threshold === current ? 'current' : '', p.threshold === proposed ? 'PROPOSED' : '', p.beyondFloor ? 'laxer than POLICY: not proposed' : ''].filter(Boolean).join(', ');
    lines.push(
      `  ${p.threshold.toFixed(4).padStart(9)}  ${pct(p.precision).padStart(9)}  ${pct(p.recall)}  ${String(p.withheldVisible).padStart(16)}  ${String(p.notVisible).padStart(11)}  ${String(p.reviews).padStart(6)}${mark ? `  ${mark}` : ''}`,
    );
  }
  return lines;
}

export function calibrationText(c: Calibration): string {
  const out: string[] = [];
  out.push(`calibrate: ${c.decided} of ${c.documents} documents have a decision on the text scanned` + `${c.stale ? `; ${c.stale} decisions left out (the text changed since)` : ''}${c.unmatched ? `; ${c.unmatched} decisions match no document of the results` : ''}`);
  out.push(`decisions: ${DECISIONS.map((d) => `${d} ${c.byDecision[d]}`).join(', ')}`);
  if (c.decided === 0) {
    out.push('nothing to calibrate against: no decision matches a document of the results on the same text');
    return out.join('\n') + '\n';
  }
  out.push('', 'verdict as recorded (rows) against the decision (columns):');
  out.push(`  ${''.padEnd(10)}${DECISIONS.map((d) => d.padStart(17)).join('')}`);
  for (const v of VERDICTS) out.push(`  ${v.padEnd(10)}${DECISIONS.map((d) => String(c.confusion[v][d as DecisionValue]).padStart(17)).join('')}`);
  out.push('', `review threshold (withhold at ${c.current.withhold}): flagged = not visible; positive = the clinician did not simply show it`);
  out.push(...table(c.review, c.current.review, c.proposal.review));
  out.push('', `withhold threshold (review at ${c.proposal.review}): flagged = withhold; positive = the clinician withheld it`);
  out.push(...table(c.withhold, c.current.withhold, c.proposal.withhold));
  out.push('', `proposed thresholds: review ${c.proposal.review}, withhold ${c.proposal.withhold} (never laxer than POLICY.md: review at most ${c.floors.review}, withhold at most ${c.floors.withhold})`);
  out.push(
    c.proposal.allWithheldCaught
      ? `  every document decided withhold is out of visible; ${c.proposal.notVisible} of ${c.documents} documents not visible (${c.proposal.reviews} review)`
      : `  ${c.proposal.withheldVisible} document(s) decided withhold would still be visible; ${c.proposal.notVisible} of ${c.documents} documents not visible (${c.proposal.reviews} review)`,
  );
  if (c.proposal.dataReview !== undefined && c.proposal.dataReview > c.proposal.review)
    out.push(`  (the decisions alone would allow review up to ${c.proposal.dataReview}; POLICY.md's floor keeps it at ${c.proposal.review} or below)`);
  out.push(`  in safeguard-scan.config.json: "thresholds": { "review": ${c.proposal.review}, "withhold": ${c.proposal.withhold} }`);
  if (c.unreachable.length) {
    out.push('', `${c.unreachable.length} document(s) decided withhold have no finding that counts, so no threshold keeps them out of visible (a lexicon change is needed):`);
    for (const u of c.unreachable.slice(0, 50)) out.push(`  ${printable(u.record !== undefined ? `${u.path}#${u.record}` : u.path)}`);
    if (c.unreachable.length > 50) out.push(`  ... and ${c.unreachable.length - 50} more`);
  }
  return out.join('\n') + '\n';
}

/** Precision and recall against threshold, as an SVG line chart, with the current and proposed thresholds and the region beyond POLICY's floor marked. */
function curve(title: string, points: ThresholdPoint[], marks: { current: number; proposed: number; floor: number }): string {
  const W = 520;
  const H = 300;
  const L = 48;
  const R = 16;
  const T = 36;
  const B = 40;
  const x = (v: number) => L + v * (W - L - R);
  const y = (v: number) => T + (1 - v) * (H - T - B);
  const path = (k: 'precision' | 'recall') => {
    const pts = points.filter((p) => p[k] !== null);
    return pts.length ? `M${pts.map((p) => `${x(p.threshold).toFixed(1)},${y(p[k]!).toFixed(1)}`).join('L')}` : '';
  };
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1]
    .map((v) => `<line x1="${x(v)}" y1="${y(0)}" x2="${x(v)}" y2="${y(0) + 4}" class="axis"/><text x="${x(v)}" y="${y(0) + 18}" class="tick" text-anchor="middle">${v}</text>` + `<line x1="${L - 4}" y1="${y(v)}" x2="${W - R}" y2="${y(v)}" class="grid"/><text x="${L - 8}" y="${y(v) + 4}" class="tick" text-anchor="end">${v}</text>`)
    .join('');
  const vline = (v: number, cls: string, label: string, dy: number) => `<line x1="${x(v)}" y1="${T}" x2="${x(v)}" y2="${y(0)}" class="${cls}"/><text x="${x(v) + 4}" y="${T + dy}" class="mark-label">${esc(label)} ${v}</text>`;
  const desc = `${title}: ${points.length} candidate thresholds; current ${marks.current}, proposed ${marks.proposed}, POLICY floor ${marks.floor}`;
  return (
    `<svg class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(desc)}"><title>${esc(desc)}</title>` +
    `<text x="0" y="16" class="chart-title">${esc(title)}</text>` +
    `<rect x="${x(marks.floor)}" y="${T}" width="${Math.max(0, x(1) - x(marks.floor))}" height="${y(0) - T}" class="beyond"/>` +
    ticks +
    `<line x1="${L}" y1="${y(0)}" x2="${W - R}" y2="${y(0)}" class="axis"/><line x1="${L}" y1="${T}" x2="${L}" y2="${y(0)}" class="axis"/>` +
    `<path d="${path('precision')}" class="precision"/><path d="${path('recall')}" class="recall"/>` +
    vline(marks.current, 'current', 'current', 12) +
    vline(marks.proposed, 'proposed', 'proposed', 26) +
    `<text x="${(L + W - R) / 2}" y="${H - 4}" class="tick" text-anchor="middle">threshold</text>` +
    `<g class="key"><line x1="${W - 190}" y1="20" x2="${W - 170}" y2="20" class="precision"/><text x="${W - 166}" y="24" class="tick">precision</text>` +
    `<line x1="${W - 100}" y1="20" x2="${W - 80}" y2="20" class="recall"/><text x="${W - 76}" y="24" class="tick">recall</text></g></svg>`
  );
}

const CSS = `
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1d2530; background: #f5f7fa; }
.wrap { max-width: 1100px; margin: 0 auto; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 24px 0 8px; }
.panel { background: #fff; border: 1px solid #d8dde4; border-radius: 8px; padding: 14px 18px; }
.charts { display: flex; flex-wrap: wrap; gap: 24px; }
.chart { max-width: 100%; height: auto; background: #fff; border: 1px solid #d8dde4; border-radius: 8px; }
.chart-title { font-weight: 600; font-size: 13px; fill: #1d2530; }
.tick, .mark-label { font-size: 11px; fill: #5b6573; }
.axis { stroke: #5b6573; } .grid { stroke: #eef1f5; }
.precision { fill: none; stroke: #0b5f99; stroke-width: 2.5; }
.recall { fill: none; stroke: #b84a00; stroke-width: 2.5; stroke-dasharray: 6 4; }
.current { stroke: #5b6573; stroke-dasharray: 3 3; } .proposed { stroke: #1c6b3a; stroke-width: 2; }
.beyond { fill: #fdeceb; }
table { border-collapse: collapse; font-size: 13px; background: #fff; }
th, td { text-align: right; padding: 4px 10px; border-bottom: 1px solid #d8dde4; } th { color: #5b6573; } td:first-child, th:first-child { text-align: left; }
tr.proposed td { font-weight: 700; background: #e3f3e8; } tr.beyond td { color: #8a6200; }
.note { font-size: 13px; color: #5b6573; }
`;
const hash = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

function pointsTable(caption: string, points: ThresholdPoint[], proposed: number): string {
  const rows = points
    .map(
      (p) =>
        `<tr class="${p.threshold === proposed ? 'proposed' : p.beyondFloor ? 'beyond' : ''}"><td>${p.threshold.toFixed(4)}${p.beyondFloor ? ' (laxer than POLICY)' : ''}</td><td>${pct(p.precision).trim()}</td><td>${pct(p.recall).trim()}</td><td>${p.withheldVisible}</td><td>${p.notVisible}</td><td>${p.reviews}</td></tr>`,
    )
    .join('');
  return `<table><caption class="note">${esc(caption)}</caption><thead><tr><th scope="col">threshold</th><th scope="col">precision</th><th scope="col">recall</th><th scope="col">withheld but visible</th><th scope="col">not visible</th><th scope="col">review</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** The calibration as one self-contained HTML page: its Content-Security-Policy allows only its own style sheet. */
export function calibrationHtml(c: Calibration, opts: { generatedAt?: string; title?: string } = {}): string {
  const title = opts.title ?? 'safeguard-scan calibration';
  const confusion =
    `<table><caption class="note">Verdict as recorded (rows) against the clinicians' decisions (columns)</caption><thead><tr><th scope="col">verdict</th>${DECISIONS.map((d) => `<th scope="col">${d}</th>`).join('')}</tr></thead><tbody>` +
    VERDICTS.map((v) => `<tr><td>${v}</td>${DECISIONS.map((d) => `<td>${c.confusion[v][d]}</td>`).join('')}</tr>`).join('') +
    '</tbody></table>';
  const p = c.proposal;
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${hash(CSS)}; base-uri 'none'; form-action 'none'">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title><style>${CSS}</style></head><body><div class="wrap">` +
    `<h1>${esc(title)}</h1><p class="note">Generated ${esc(opts.generatedAt ?? new Date().toISOString())}. ${c.decided} of ${c.documents} documents have a decision on the text scanned` +
    `${c.stale ? `; ${c.stale} decisions left out because the text changed since` : ''}${c.unmatched ? `; ${c.unmatched} decisions match no document` : ''}.</p>` +
    `<div class="panel"><p><strong>Proposed: review ${p.review}, withhold ${p.withhold}</strong> (never laxer than POLICY.md: review at most ${c.floors.review}, withhold at most ${c.floors.withhold}). ` +
    `${p.allWithheldCaught ? 'Every document decided withhold is out of visible' : `${p.withheldVisible} document(s) decided withhold would still be visible`}; ${p.notVisible} of ${c.documents} documents would not be visible (${p.reviews} review).</p>` +
    `${c.unreachable.length ? `<p>${c.unreachable.length} document(s) decided withhold have no finding that counts: no threshold reaches them (a lexicon change is needed).</p>` : ''}</div>` +
    `<h2>Curves</h2><p class="note">Shaded: thresholds laxer than POLICY.md allows (shown, never proposed).</p><div class="charts">` +
    curve('Review threshold: not visible vs not simply shown', c.review, { current: c.current.review, proposed: p.review, floor: c.floors.review }) +
    curve('Withhold threshold: withhold vs withheld', c.withhold, { current: c.current.withhold, proposed: p.withhold, floor: c.floors.withhold }) +
    `</div><h2>Confusion</h2>${confusion}` +
    `<h2>Review threshold candidates</h2>${pointsTable(`withhold at ${c.current.withhold}`, c.review, p.review)}` +
    `<h2>Withhold threshold candidates</h2>${pointsTable(`review at ${p.review}`, c.withhold, p.withhold)}` +
    `</div></body></html>\n`
  );
}
