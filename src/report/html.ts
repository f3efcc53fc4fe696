import type { DocumentResult } from '../model/index.js';
import { decisionLine, type DecisionState } from './decisions.js';
import { DECISIONS, type Category, type DecisionValue, type Verdict } from '../model/index.js';
import { CSP, CSS, JS } from './html-assets.js';
import { barChart } from './html-chart.js';
import { esc } from './html-escape.js';
import { CATEGORY_TAG, findingSummary, highlight, placeable } from './html-highlight.js';
import { byRisk, CATEGORIES, CATEGORY_LABEL, docLabel, modifiersText, VERDICT_RANK, VERDICTS } from './labels.js';
import { LineIndex } from './lines.js';

/**
 * `--format html`: the clinician's review report, one self-contained file. Totals and a chart,
 * filters by verdict and category, then documents riskiest first, each with its text and
 * findings highlighted. By default only documents at or above `review` carry their text (the
 * rest are summary rows), so a report of a very large run still opens in a browser.
 */

export type ReportDocument = DocumentResult & {
  text?: string;
  /** the recorded decision (scan --decisions): holding, or void with why */
  decided?: DecisionState;
};

export interface HtmlReportOptions {
  title?: string;
  /** shown in the header; default now (ISO 8601) */
  generatedAt?: string;
  /** embed the text of `visible` documents too */
  includeAllText?: boolean;
}

const VERDICT_LABEL: Record<Verdict, string> = { withhold: 'Withhold', review: 'Review', visible: 'Visible' };
const DECISION_LABEL: Record<DecisionValue, string> = { show: 'Show', 'redact-and-show': 'Redact and show', withhold: 'Withhold' };

/** A recorded decision still holds for this document (it leaves the review queue). */
const isDecided = (d: ReportDocument) => d.decided?.state === 'decided' || (d.decided === undefined && d.decision !== undefined);

/**
 * The clinician's decision for one document: three radio buttons (arrow keys and Space, or the
 * mouse), an optional note, and a way to clear it. The script keeps it in this browser and
 * exports it; what identifies the document (path, record, sha256 of its text, the verdict
 * shown) is in the article's data attributes, never its text.
 */
function decisionBlock(d: ReportDocument, id: string): string {
  const radios = DECISIONS.map((v) => `<label><input type="radio" name="${id}-decision" value="${v}" autocomplete="off">${DECISION_LABEL[v]}</label>`).join('');
  return (
    `<fieldset class="decide"><legend>Decision</legend>${radios}` +
    `<label class="note">Note <input type="text" name="note" maxlength="2000" autocomplete="off" placeholder="optional" aria-label="Note on the decision for ${esc(docLabel(d))}"></label>` +
    `<button type="button" class="clear">Clear</button><span class="decided-state" role="status">Not decided</span></fieldset>`
  );
}

/** What the script needs to record a decision: the document's identity, and a decision recorded earlier (scan --decisions). */
function decisionAttrs(d: ReportDocument): string {
  if (!d.sha256) return '';
  let a = ` data-path="${esc(d.path)}" data-sha256="${d.sha256}"`;
  if (d.record !== undefined) a += ` data-record="${esc(d.record)}"`;
  if (d.decided?.state === 'decided') a += ` data-recorded="${esc(decisionLine(d.decided.decision).trim())}"`;
  return a;
}

/** Categories a document has counted findings in; `none` when it has none (for the filter). */
function docCategories(d: DocumentResult): Category[] {
  return CATEGORIES.filter((c) => d.categories[c].count > 0);
}

function categoryChips(d: DocumentResult): string {
  return docCategories(d)
    .map((c) => `<span class="chip c-${c}">${CATEGORY_TAG[c]} ${esc(CATEGORY_LABEL[c])} ${d.categories[c].count}</span>`)
    .join('');
}

/** What the filters key on; the category list is in CATEGORIES order, as the CSS rules expect. */
function filterAttrs(d: DocumentResult): string {
  const cats = docCategories(d);
  return `data-verdict="${d.verdict}" data-doc-cats="${cats.length ? cats.join(' ') : 'none'}"`;
}

function findingsTable(d: ReportDocument): string {
  if (d.findings.length === 0) return '';
  const lines = d.text !== undefined ? new LineIndex(d.text) : undefined;
  const onText = new Set(d.text !== undefined ? placeable(d.text, d.findings) : []);
  const rows = d.findings
    .map((f) => {
      const at = lines && onText.has(f) ? lines.position(f.start) : undefined;
      const where = at ? `line ${at.line}, col ${at.column}` : `offset ${f.start}`;
      return (
        `<tr><td><span class="chip c-${f.category}">${CATEGORY_TAG[f.category]} ${esc(CATEGORY_LABEL[f.category])}</span></td>` +
        `<td>${esc(f.type)}</td><td>${esc(modifiersText(f.modifiers))}</td><td class="num">${f.score.toFixed(2)}</td>` +
        `<td><code>${esc(f.ruleId)}</code></td><td class="num">${where}</td></tr>`
      );
    })
    .join('');
  return (
    `<details class="findings"><summary>Findings (${d.findings.length})</summary><table>` +
    `<thead><tr><th scope="col">Category</th><th scope="col">Type</th><th scope="col">Context</th><th scope="col">Score</th><th scope="col">Rule</th><th scope="col">Where</th></tr></thead>` +
    `<tbody>${rows}</tbody></table></details>`
  );
}

function article(d: ReportDocument, n: number): string {
  const id = `doc-${n}`;
  const again = d.decided?.state === 'void' ? `<span class="badge again">Decide again: ${d.decided.why === 'text-changed' ? 'text changed' : 'verdict stricter'}</span>` : '';
  const head =
    `<div class="doc-head"><span class="badge ${d.verdict}">${VERDICT_LABEL[d.verdict]}</span>${again}` +
    `<h3 id="${id}-h">${esc(docLabel(d))}</h3><span class="score">score ${d.score.toFixed(2)}</span>` +
    `<span class="chips">${categoryChips(d)}</span></div>`;
  const error = d.error ? `<p class="error">Could not be read: ${esc(d.error)}</p>` : '';
  const encoding = d.encoding ? `<p class="note">Read as ${esc(d.encoding)}.</p>` : '';
  const reasons = d.reasons.length ? `<ul class="reasons">${d.reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>` : '';
  const text =
    d.text !== undefined && !(d.error && d.text === '')
      ? `<pre class="text" aria-label="Text of ${esc(docLabel(d))}">${highlight(d.text, d.findings)}</pre>`
      : d.error
        ? ''
        : '<p class="note">Text not included in this report.</p>';
  const decide = d.sha256 ? decisionBlock(d, id) : '';
  return `<article class="doc v-${d.verdict}" id="${id}" aria-labelledby="${id}-h" ${filterAttrs(d)}${decisionAttrs(d)}>${head}${error}${encoding}${reasons}${text}${findingsTable(d)}${decide}</article>\n`;
}

/**
 * Summary rows are a grid of divs, not a table, grouped in blocks that the browser may skip
 * laying out while off screen (content-visibility): a table of 100,000 rows takes a minute to
 * open, these take seconds.
 */
const ROWS_PER_BLOCK = 200;

function summaryRow(d: DocumentResult): string {
  const top = d.error ? `Could not be read: ${d.error}` : (d.reasons[0] ?? '');
  return (
    `<div class="row" role="row" ${filterAttrs(d)}><span role="cell"><span class="badge ${d.verdict}">${VERDICT_LABEL[d.verdict]}</span></span>` +
    `<span role="cell" class="num">${d.score.toFixed(2)}</span><span role="cell" class="path">${esc(docLabel(d))}</span>` +
    `<span role="cell">${categoryChips(d)}</span><span role="cell">${esc(top)}</span><span role="cell" class="decision">${d.decision ? esc(DECISION_LABEL[d.decision as DecisionValue] ?? d.decision) : ''}</span></div>\n`
  );
}

const ROWS_HEAD =
  `<h2 id="rows-h">Documents without text in this report</h2><div class="rows" role="table" aria-labelledby="rows-h">` +
  `<div class="row head" role="row"><span role="columnheader">Verdict</span><span role="columnheader">Score</span>` +
  `<span role="columnheader">Document</span><span role="columnheader">Categories</span><span role="columnheader">Reason</span><span role="columnheader">Decision</span></div>\n`;

interface Totals {
  verdict: Record<Verdict, number>;
  category: Record<Category, number>;
  findings: Record<Category, number>;
  none: number;
  errors: number;
  /** undecided documents at review or above: the review queue */
  queue: number;
  decided: number;
}

function totalsOf(docs: ReportDocument[]): Totals {
  const t: Totals = {
    verdict: { withhold: 0, review: 0, visible: 0 },
    category: { thirdParty: 0, safeguarding: 0, sensitive: 0, harm: 0 },
    findings: { thirdParty: 0, safeguarding: 0, sensitive: 0, harm: 0 },
    none: 0,
    errors: 0,
    queue: 0,
    decided: 0,
  };
  for (const d of docs) {
    t.verdict[d.verdict]++;
    if (isDecided(d)) t.decided++;
    else if (d.verdict !== 'visible') t.queue++;
    if (d.error) t.errors++;
    const cats = docCategories(d);
    if (cats.length === 0) t.none++;
    for (const c of cats) {
      t.category[c]++;
      t.findings[c] += d.categories[c].count;
    }
  }
  return t;
}

function summary(t: Totals, total: number): string {
  const card = (cls: string, n: number, k: string) => `<div class="total ${cls}"><span class="n">${n}</span><span class="k">${k}</span></div>`;
  const charts =
    barChart('Documents by verdict', VERDICTS.map((v) => ({ label: VERDICT_LABEL[v], value: t.verdict[v], cls: v }))) +
    barChart(
      'Documents with counted findings, by category',
      CATEGORIES.map((c) => ({ label: `${CATEGORY_TAG[c]} ${CATEGORY_LABEL[c]}`, value: t.category[c], cls: `c-${c}` })),
    );
  const rows = CATEGORIES.map(
    (c) => `<tr><td><span class="chip c-${c}">${CATEGORY_TAG[c]} ${esc(CATEGORY_LABEL[c])}</span></td><td class="num">${t.category[c]}</td><td class="num">${t.findings[c]}</td></tr>`,
  ).join('');
  return (
    `<section aria-labelledby="sum-h"><h2 id="sum-h">Summary of ${total} document${total === 1 ? '' : 's'}</h2>` +
    `<div class="totals">${card('withhold', t.verdict.withhold, 'withhold')}${card('review', t.verdict.review, 'review')}` +
    `${card('visible', t.verdict.visible, 'visible')}${card('errors', t.errors, 'could not be read')}` +
    `${card('queue', t.queue, `in the review queue${t.decided ? ` (${t.decided} decided already)` : ''}`)}</div>` +
    `<div class="panel"><div class="charts">${charts}</div>` +
    `<table class="by-category"><caption class="sr-only">Findings by category</caption><thead><tr><th scope="col">Category</th><th scope="col">Documents</th><th scope="col">Counted findings</th></tr></thead><tbody>${rows}</tbody></table></div></section>\n`
  );
}

function controls(t: Totals, total: number): string {
  const box = (name: string, value: string, label: string, n: number) =>
    `<label><input type="checkbox" name="${name}" value="${value}" checked>${esc(label)} <span class="score">(${n})</span></label>`;
  const legend = CATEGORIES.map(
    (c) => `<li><mark class="swatch c-${c}" data-tag="${CATEGORY_TAG[c]}">${esc(CATEGORY_LABEL[c])}</mark></li>`,
  ).join('');
  return (
    `<h2 id="docs-h">Documents, riskiest first</h2>` +
    // autocomplete off: a reload must not restore unticked boxes behind the filter's back.
    `<form class="controls" aria-label="Filters" autocomplete="off">` +
    `<fieldset><legend>Verdict</legend>${VERDICTS.map((v) => box('verdict', v, VERDICT_LABEL[v], t.verdict[v])).join('')}</fieldset>` +
    `<fieldset><legend>Category</legend>${CATEGORIES.map((c) => box('category', c, CATEGORY_LABEL[c], t.category[c])).join('')}` +
    `${box('category', 'none', 'No counted findings', t.none)}</fieldset>` +
    `<span class="status" id="status" role="status" aria-live="polite">Showing ${total} of ${total} documents</span>` +
    `<div class="decisions-bar"><span id="decided-status" role="status" aria-live="polite"></span>` +
    `<button type="button" id="next-undecided" title="Shortcut: n">Next undecided (n)</button>` +
    `<button type="button" id="export-decisions">Export decisions.jsonl</button></div></form>` +
    `<ul class="legend" aria-label="Highlight legend"><li>Highlights:</li>${legend}` +
    `<li><mark class="swatch c-safeguarding weak">faint</mark> = negated or hypothetical (does not count)</li>` +
    `<li>Hover or focus (Tab) a highlight for its type, context and rule.</li>` +
    `<li>Decide each document with its Decision buttons (Tab, then arrow keys or Space); decisions stay in this browser until exported.</li></ul>\n`
  );
}

/** The report in pieces, for writing a large run to a file without one giant string. */
export function* htmlReportChunks(docs: ReportDocument[], opts: HtmlReportOptions = {}): Generator<string> {
  const title = opts.title ?? 'safeguard-scan review report';
  const generatedAt = opts.generatedAt ?? new Date().toISOString();
  const sorted = [...docs].sort(byRisk);
  const t = totalsOf(sorted);
  const versions = [...new Set(docs.map((d) => d.version))].join(', ');
  const lexicons = [...new Set(docs.map((d) => d.lexiconVersion))].join(', ');
  yield (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer">` +
    `<title>${esc(title)}</title><style>${CSS}</style></head>\n<body><div class="wrap">` +
    `<header class="top"><h1>${esc(title)}</h1><p class="meta">Generated ${esc(generatedAt)}` +
    `${versions ? ` \u00b7 safeguard-scan ${esc(versions)}` : ''}${lexicons ? ` \u00b7 lexicons ${esc(lexicons)}` : ''}</p>` +
    `<p class="notice">Contains patient record text. Confidential: store and share it as you would the record itself. ` +
    `Verdicts are recommendations; a clinician decides.</p></header>\n`
  );
  yield summary(t, sorted.length);
  yield controls(t, sorted.length);
  yield '<main id="docs" aria-labelledby="docs-h">\n';
  const withText = (d: ReportDocument) => opts.includeAllText || VERDICT_RANK[d.verdict] >= VERDICT_RANK.review;
  // The queue first (undecided, riskiest first); documents decided already after it, still open to change.
  const decided = sorted.filter((d) => withText(d) && isDecided(d));
  const ordered = decided.length ? [...sorted.filter((d) => withText(d) && !isDecided(d)), ...decided, ...sorted.filter((d) => !withText(d))] : sorted;
  const firstDecided = decided[0];
  let n = 0;
  let rows = -1; // summary rows in the open rows table; -1 while it is closed
  const rowsTotal = sorted.filter((d) => !withText(d)).length;
  let rowsWritten = 0;
  const closeRows = () => {
    const end = rows > 0 ? '</div></div>\n' : ''; // the open block, then the table
    rows = -1;
    return end;
  };
  for (const d of ordered) {
    n++;
    if (withText(d)) {
      const heading = d === firstDecided ? `<h2 id="decided-h" class="decided-h">Decided already (${decided.length}): out of the review queue</h2>\n` : '';
      yield closeRows() + heading + article(d, n);
      continue;
    }
    let open = '';
    if (rows < 0) {
      open = ROWS_HEAD;
      rows = 0;
    }
    if (rows % ROWS_PER_BLOCK === 0) {
      // Only full blocks are skipped while off screen: their placeholder height is known.
      const full = rowsTotal - rowsWritten >= ROWS_PER_BLOCK;
      open += `${rows > 0 ? '</div>' : ''}<div class="block${full ? ' lazy' : ''}" role="rowgroup">`;
    }
    rowsWritten++;
    rows++;
    yield open + summaryRow(d);
  }
  yield closeRows();
  yield `</main></div><div id="tip" role="tooltip" hidden></div><script>${JS}</script></body></html>\n`;
}

export function renderHtmlReport(docs: ReportDocument[], opts: HtmlReportOptions = {}): string {
  return [...htmlReportChunks(docs, opts)].join('');
}
