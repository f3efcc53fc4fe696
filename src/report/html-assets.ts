import { createHash } from 'node:crypto';
import { CATEGORIES } from './labels.js';

/**
 * The report's only style sheet and script, inline. The page's Content-Security-Policy allows
 * exactly these two blocks by hash and nothing else (no network, no other script), so even a
 * mistake in escaping could not run code or fetch anything.
 */

/**
 * Filtering is done by the style sheet: the script only toggles `off-v-*` / `off-c-*` classes on
 * the documents' container, and these rules hide what is unticked. A document is hidden when
 * its verdict is unticked, or when every category it has is unticked; one rule per set of
 * categories (15 sets, plus "none") says so. Touching 100,000 elements from script would not.
 */
function filterRules(): string {
  const selectors = ['withhold', 'review', 'visible'].map((v) => `#docs.off-v-${v} [data-verdict=${v}]`);
  selectors.push('#docs.off-c-none [data-doc-cats=none]');
  for (let mask = 1; mask < 1 << CATEGORIES.length; mask++) {
    const set = CATEGORIES.filter((_, i) => mask & (1 << i));
    selectors.push(`#docs${set.map((c) => `.off-c-${c}`).join('')} [data-doc-cats="${set.join(' ')}"]`);
  }
  return `${selectors.join(',\n')} { display: none !important; }`;
}

export const CSS = `
:root {
  --ink: #1d2530; --muted: #5b6573; --line: #d8dde4; --bg: #f5f7fa; --card: #fff;
  --tp: #0b5f99; --tp-bg: #dcebf7; --sg: #b84a00; --sg-bg: #fbe1cf;
  --sn: #8e3a6d; --sn-bg: #f5ddec; --hm: #8a6200; --hm-bg: #fcedc4;
  --withhold: #a4231b; --withhold-bg: #fdeceb; --review: #7a5200; --review-bg: #fff3d1;
  --visible: #1c6b3a; --visible-bg: #e3f3e8; --focus: #1a56db;
}
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: var(--bg); }
.wrap { max-width: 1100px; margin: 0 auto; padding: 24px 24px 64px; }
header.top h1 { margin: 0 0 4px; font-size: 24px; letter-spacing: -0.01em; }
header.top .meta { color: var(--muted); font-size: 13px; margin: 0; }
.notice { margin: 14px 0 0; padding: 8px 12px; border-left: 4px solid var(--withhold); background: var(--withhold-bg); font-size: 13px; border-radius: 4px; }
h2 { font-size: 17px; margin: 28px 0 10px; }
.panel { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px 18px; }
.totals { display: grid; grid-template-columns: repeat(5, minmax(0, 1fr)); gap: 12px; margin-bottom: 16px; }
.total { border-radius: 8px; padding: 10px 14px; border: 1px solid var(--line); background: var(--card); }
.total .n { font-size: 26px; font-weight: 700; line-height: 1.1; display: block; }
.total .k { font-size: 13px; color: var(--muted); }
.total.withhold { border-top: 4px solid var(--withhold); } .total.review { border-top: 4px solid var(--review); }
.total.visible { border-top: 4px solid var(--visible); } .total.errors { border-top: 4px solid var(--muted); } .total.queue { border-top: 4px solid var(--focus); }
.charts { display: flex; flex-wrap: wrap; gap: 24px 40px; }
.chart { max-width: 100%; height: auto; }
.chart-title { font-weight: 600; font-size: 13px; fill: var(--ink); }
.bar-label, .bar-value { font-size: 13px; fill: var(--ink); }
.bar-track { fill: #eef1f5; }
.bar.withhold { fill: var(--withhold); } .bar.review { fill: #c58a00; } .bar.visible { fill: var(--visible); }
.bar.c-thirdParty { fill: var(--tp); } .bar.c-safeguarding { fill: var(--sg); } .bar.c-sensitive { fill: var(--sn); } .bar.c-harm { fill: var(--hm); }
.controls { display: flex; flex-wrap: wrap; gap: 12px 28px; align-items: flex-start; position: sticky; top: 0; z-index: 5; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 16px; box-shadow: 0 2px 6px rgba(20, 30, 50, 0.06); }
.controls fieldset { border: 0; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 14px; align-items: center; }
.controls legend { font-weight: 600; font-size: 13px; float: left; margin-right: 8px; padding: 0; }
.controls label { font-size: 14px; white-space: nowrap; cursor: pointer; }
.controls input { accent-color: var(--focus); margin: 0 4px 0 0; vertical-align: -1px; }
.status { margin-left: auto; font-size: 13px; color: var(--muted); align-self: center; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 18px; margin: 12px 0 0; padding: 0; list-style: none; font-size: 13px; color: var(--muted); }
.legend mark.swatch { cursor: default; }
.doc { background: var(--card); border: 1px solid var(--line); border-left: 6px solid var(--line); border-radius: 8px; margin: 14px 0; padding: 14px 18px; content-visibility: auto; contain-intrinsic-size: auto 320px; }
.doc.v-withhold { border-left-color: var(--withhold); } .doc.v-review { border-left-color: #c58a00; } .doc.v-visible { border-left-color: var(--visible); }
.doc-head { display: flex; flex-wrap: wrap; gap: 6px 12px; align-items: baseline; }
.doc-head h3 { margin: 0; font-size: 15px; font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; word-break: break-all; }
.badge { display: inline-block; font-size: 12px; font-weight: 700; letter-spacing: 0.04em; text-transform: uppercase; padding: 1px 8px; border-radius: 999px; border: 1px solid currentColor; }
.badge.withhold { color: var(--withhold); background: var(--withhold-bg); } .badge.review { color: var(--review); background: var(--review-bg); } .badge.visible { color: var(--visible); background: var(--visible-bg); }
.badge.again { color: #fff; background: var(--focus); border-color: var(--focus); }
fieldset.decide { margin: 12px 0 0; padding: 8px 12px; border: 1px solid var(--line); border-radius: 6px; display: flex; flex-wrap: wrap; gap: 6px 16px; align-items: center; font-size: 14px; }
fieldset.decide legend { font-weight: 600; font-size: 13px; padding: 0 4px; }
fieldset.decide label { cursor: pointer; white-space: nowrap; }
fieldset.decide input[type=radio] { accent-color: var(--focus); margin: 0 4px 0 0; vertical-align: -1px; }
fieldset.decide input[type=text] { font: inherit; font-size: 13px; padding: 2px 6px; border: 1px solid var(--line); border-radius: 4px; width: 260px; max-width: 100%; }
fieldset.decide input:focus, .controls button:focus, fieldset.decide button:focus { outline: 3px solid var(--focus); outline-offset: 1px; }
.decided-state { font-size: 13px; color: var(--muted); }
.doc.decided { border-left-style: double; }
.doc.decided .decided-state { color: var(--visible); font-weight: 600; }
.decided-h { margin-top: 36px; }
.decisions-bar { display: flex; flex-wrap: wrap; gap: 6px 12px; align-items: center; width: 100%; font-size: 13px; }
.decisions-bar button, fieldset.decide button { font: inherit; font-size: 13px; padding: 2px 10px; border: 1px solid var(--line); border-radius: 4px; background: #f8f9fb; cursor: pointer; }
#decided-status { color: var(--muted); }
.score { font-size: 13px; color: var(--muted); font-variant-numeric: tabular-nums; }
.chips { display: inline-flex; flex-wrap: wrap; gap: 4px; }
.chip { font-size: 12px; padding: 0 7px; border-radius: 4px; border: 1px solid; }
.chip.c-thirdParty { color: var(--tp); background: var(--tp-bg); } .chip.c-safeguarding { color: var(--sg); background: var(--sg-bg); }
.chip.c-sensitive { color: var(--sn); background: var(--sn-bg); } .chip.c-harm { color: var(--hm); background: var(--hm-bg); }
.reasons { margin: 8px 0 0; padding-left: 20px; font-size: 14px; }
.error { margin: 8px 0 0; font-size: 14px; color: var(--withhold); font-weight: 600; }
.note { font-size: 13px; color: var(--muted); margin: 8px 0 0; }
pre.text { margin: 12px 0 0; padding: 12px 14px; background: #fbfcfd; border: 1px solid var(--line); border-radius: 6px; white-space: pre-wrap; overflow-wrap: anywhere; font: 14px/1.7 ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; }
mark.hl, mark.swatch { color: inherit; border-radius: 2px; padding: 0 1px; text-decoration-line: underline; text-decoration-thickness: 2px; text-underline-offset: 3px; cursor: help; }
mark[data-tag]::after { content: attr(data-tag); font: 700 9px/1 system-ui, sans-serif; vertical-align: super; margin-left: 2px; padding: 1px 2px; border-radius: 2px; color: #fff; }
mark.c-thirdParty { background: var(--tp-bg); text-decoration-color: var(--tp); text-decoration-style: dotted; }
mark.c-safeguarding { background: var(--sg-bg); text-decoration-color: var(--sg); text-decoration-style: solid; text-decoration-thickness: 3px; }
mark.c-sensitive { background: var(--sn-bg); text-decoration-color: var(--sn); text-decoration-style: dashed; }
mark.c-harm { background: var(--hm-bg); text-decoration-color: var(--hm); text-decoration-style: double; text-decoration-thickness: 3px; }
mark.c-thirdParty::after { background: var(--tp); } mark.c-safeguarding::after { background: var(--sg); }
mark.c-sensitive::after { background: var(--sn); } mark.c-harm::after { background: var(--hm); }
mark.multi { box-shadow: inset 0 0 0 1px rgba(0, 0, 0, 0.35); }
mark.weak { background: transparent; opacity: 0.75; text-decoration-thickness: 1px; }
mark.hl:focus { outline: 3px solid var(--focus); outline-offset: 1px; }
details.findings { margin-top: 10px; font-size: 13px; }
details.findings summary { cursor: pointer; color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); background: #f8f9fb; }
td.num { font-variant-numeric: tabular-nums; }
.rows { background: var(--card); border: 1px solid var(--line); border-radius: 8px; overflow: hidden; font-size: 13px; }
.rows .block.lazy { content-visibility: auto; contain-intrinsic-size: auto 6400px; }
.row { display: grid; grid-template-columns: 96px 56px minmax(180px, 2fr) minmax(120px, 1fr) minmax(180px, 2fr) 110px; gap: 0 12px; padding: 5px 10px; border-bottom: 1px solid var(--line); align-items: baseline; }
.row.head { font-weight: 600; color: var(--muted); background: #f8f9fb; }
.row .num { font-variant-numeric: tabular-nums; }
.row .path { font-family: ui-monospace, Menlo, Consolas, monospace; word-break: break-all; }
#tip { position: absolute; z-index: 20; max-width: 440px; background: #17202b; color: #fff; font-size: 13px; line-height: 1.45; padding: 8px 10px; border-radius: 6px; box-shadow: 0 6px 18px rgba(0, 0, 0, 0.25); pointer-events: none; }
#tip div + div { border-top: 1px solid rgba(255, 255, 255, 0.25); margin-top: 4px; padding-top: 4px; }
[hidden] { display: none !important; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 760px) { .totals { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
@media print { fieldset.decide .clear, .decisions-bar { display: none !important; } }
${filterRules()}
@media print { .controls, #tip { display: none !important; } .doc { break-inside: avoid; content-visibility: visible; } body { background: #fff; } }
`;

/**
 * Filters and the finding tooltip. Reads only our own data-* attributes and checkboxes; writes
 * with textContent and classList, never innerHTML.
 */
export const JS = `
(function () {
  'use strict';
  var main = document.getElementById('docs');
  var boxes = Array.prototype.slice.call(document.querySelectorAll('.controls input[type=checkbox]'));
  var status = document.getElementById('status');
  var counts = null, total = 0;
  // How many documents have each verdict and set of categories: counted once, on first use.
  function tally() {
    counts = {};
    var els = main.querySelectorAll('[data-verdict]');
    total = els.length;
    for (var i = 0; i < els.length; i++) {
      var k = els[i].getAttribute('data-verdict') + '|' + els[i].getAttribute('data-doc-cats');
      counts[k] = (counts[k] || 0) + 1;
    }
  }
  function apply() {
    if (!counts) tally();
    var on = {};
    boxes.forEach(function (b) {
      on[b.name + ':' + b.value] = b.checked;
      main.classList.toggle((b.name === 'verdict' ? 'off-v-' : 'off-c-') + b.value, !b.checked);
    });
    var shown = 0;
    Object.keys(counts).forEach(function (k) {
      var p = k.split('|');
      if (on['verdict:' + p[0]] && p[1].split(' ').some(function (c) { return on['category:' + c]; })) shown += counts[k];
    });
    status.textContent = 'Showing ' + shown + ' of ' + total + ' documents';
  }
  boxes.forEach(function (b) { b.addEventListener('change', apply); });
  // The page opens with every box ticked and everything shown; only a restored form needs work.
  if (boxes.some(function (b) { return !b.checked; })) apply();

  var tip = document.getElementById('tip');
  var current = null;
  function show(mark) {
    current = mark;
    tip.textContent = '';
    (mark.getAttribute('data-tip') || '').split('\\n').forEach(function (line) {
      var d = document.createElement('div');
      d.textContent = line;
      tip.appendChild(d);
    });
    tip.hidden = false;
    var r = mark.getBoundingClientRect();
    var left = Math.max(8, Math.min(r.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 8));
    tip.style.left = left + 'px';
    tip.style.top = (r.bottom + window.scrollY + 6) + 'px';
  }
  function hide() { current = null; tip.hidden = true; }
  function markOf(t) { return t && t.closest ? t.closest('mark.hl') : null; }
  document.addEventListener('mouseover', function (e) { var m = markOf(e.target); if (m) show(m); });
  document.addEventListener('mouseout', function (e) {
    var m = markOf(e.target);
    if (m && m === current && !m.contains(e.relatedTarget) && document.activeElement !== m) hide();
  });
  document.addEventListener('focusin', function (e) { var m = markOf(e.target); if (m) show(m); });
  document.addEventListener('focusout', function (e) { if (markOf(e.target)) hide(); });
  document.addEventListener('keydown', function (e) { if (e.key === 'Escape') hide(); });

  // Decisions: one per document, kept in this browser (localStorage, so that they survive a
  // reload) and exported as decisions.jsonl. A document is known by its path, record and the
  // sha256 of its text; nothing of its text is stored or exported.
  var STORE = 'safeguard-scan.decisions.v1';
  var LABEL = { show: 'Show', 'redact-and-show': 'Redact and show', withhold: 'Withhold' };
  var store = {};
  try { store = JSON.parse(window.localStorage.getItem(STORE) || '{}') || {}; } catch (err) { store = {}; }
  function save() {
    try { window.localStorage.setItem(STORE, JSON.stringify(store)); } catch (err) { /* storage off or full: decisions last until the page closes; export them */ }
  }
  var arts = Array.prototype.slice.call(document.querySelectorAll('article.doc[data-sha256]'));
  var decidedStatus = document.getElementById('decided-status');
  function keyOf(a) { return JSON.stringify([a.getAttribute('data-path'), a.getAttribute('data-record'), a.getAttribute('data-sha256')]); }
  function when(x) { var t = x ? Date.parse(x.decidedAt) : NaN; return isNaN(t) ? -Infinity : t; }
  // The decision in force: the later of the one recorded before (scan --decisions) and this browser's (a cleared one included).
  function decisionOf(a) {
    var stored = store[keyOf(a)] || null;
    var recorded = null;
    try { recorded = JSON.parse(a.getAttribute('data-recorded') || 'null'); } catch (err) { recorded = null; }
    var d = when(stored) >= when(recorded) ? stored : recorded;
    return d && d.decision ? d : null;
  }
  function line(d) {
    var o = { path: d.path };
    if (d.record !== null && d.record !== undefined) o.record = d.record;
    o.sha256 = d.sha256; o.verdictShown = d.verdictShown; o.decision = d.decision; o.decidedAt = d.decidedAt;
    if (d.note) o.note = d.note;
    return JSON.stringify(o) + '\\n';
  }
  function showDecision(a) {
    var d = decisionOf(a);
    var radios = a.querySelectorAll('fieldset.decide input[type=radio]');
    for (var i = 0; i < radios.length; i++) radios[i].checked = !!d && radios[i].value === d.decision;
    var note = a.querySelector('fieldset.decide input[name=note]');
    if (d) note.value = d.note || '';
    a.classList.toggle('decided', !!d);
    a.querySelector('.decided-state').textContent = d ? 'Decided: ' + LABEL[d.decision] + ' (' + d.decidedAt.replace('T', ' ').slice(0, 16) + ' UTC)' : 'Not decided';
  }
  function count() {
    var decided = 0, queue = 0;
    arts.forEach(function (a) {
      if (decisionOf(a)) decided++;
      else if (a.getAttribute('data-verdict') !== 'visible') queue++;
    });
    decidedStatus.textContent = decided + ' of ' + arts.length + ' decided; ' + queue + ' left in the review queue';
  }
  function decide(a, value) {
    var note = a.querySelector('fieldset.decide input[name=note]').value.trim();
    var d = { path: a.getAttribute('data-path'), record: a.getAttribute('data-record'), sha256: a.getAttribute('data-sha256'),
      verdictShown: a.getAttribute('data-verdict'), decision: value, decidedAt: new Date().toISOString() };
    if (note) d.note = note;
    store[keyOf(a)] = d;
    save(); showDecision(a); count();
  }
  arts.forEach(function (a) {
    var box = a.querySelector('fieldset.decide');
    if (!box) return;
    box.addEventListener('change', function (e) {
      var t = e.target;
      if (t.type === 'radio' && t.checked) decide(a, t.value);
      else if (t.name === 'note') { var d = decisionOf(a); if (d) decide(a, d.decision); }
    });
    box.querySelector('.clear').addEventListener('click', function () {
      store[keyOf(a)] = { cleared: true, decidedAt: new Date().toISOString() };
      a.querySelector('fieldset.decide input[name=note]').value = '';
      save(); showDecision(a); count();
    });
    showDecision(a);
  });
  count();
  document.getElementById('export-decisions').addEventListener('click', function () {
    var text = arts.map(decisionOf).filter(Boolean).map(line).join('');
    // A blob link, downloaded: no request leaves the page (the CSP allows none).
    var makeHref = URL.createObjectURL.bind(URL), dropHref = URL.revokeObjectURL.bind(URL);
    var href = makeHref(new Blob([text], { type: 'application/x-ndjson' }));
    var link = document.createElement('a');
    link.href = href; link.download = 'decisions.jsonl'; link.hidden = true;
    document.body.appendChild(link); link.click();
    setTimeout(function () { dropHref(href); link.remove(); }, 1000);
  });
  // "n" (or the button): the next undecided document after the one in focus, its first decision button focused.
  function nextUndecided() {
    var here = document.activeElement && document.activeElement.closest ? document.activeElement.closest('article.doc') : null;
    var from = here ? arts.indexOf(here) + 1 : 0;
    for (var k = 0; k < arts.length; k++) {
      var a = arts[(from + k) % arts.length];
      if (!decisionOf(a) && a.offsetParent !== null) { a.scrollIntoView({ block: 'start' }); a.querySelector('fieldset.decide input[type=radio]').focus(); return; }
    }
  }
  document.getElementById('next-undecided').addEventListener('click', nextUndecided);
  document.addEventListener('keydown', function (e) {
    var t = e.target;
    if (e.key !== 'n' || e.ctrlKey || e.metaKey || e.altKey || (t && (t.type === 'text' || t.tagName === 'TEXTAREA'))) return;
    e.preventDefault();
    nextUndecided();
  });
})();
`;

const hash = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

export const CSP = `default-src 'none'; style-src ${hash(CSS)}; script-src ${hash(JS)}; img-src data:; base-uri 'none'; form-action 'none'`;
