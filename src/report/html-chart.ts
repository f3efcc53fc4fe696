import { esc } from './html-escape.js';

/**
 * Inline SVG bar charts: no scripts, fonts or images from elsewhere. Each bar carries its label
 * and value as text, so the chart reads without colour and is described for screen readers.
 */
export interface Bar {
  label: string;
  value: number;
  /** a CSS class that colours the bar */
  cls: string;
}

export function barChart(title: string, bars: Bar[], width = 420): string {
  const rowH = 30;
  const labelW = 120;
  const valueW = 56;
  const top = 30;
  const height = top + bars.length * rowH + 6;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const span = width - labelW - valueW;
  const desc = bars.map((b) => `${b.label}: ${b.value}`).join(', ');
  const rows = bars
    .map((b, i) => {
      const y = top + i * rowH;
      const w = b.value === 0 ? 0 : Math.max(3, Math.round((b.value / max) * span));
      return (
        `<text x="0" y="${y + 17}" class="bar-label">${esc(b.label)}</text>` +
        `<rect x="${labelW}" y="${y + 3}" width="${span}" height="20" rx="3" class="bar-track"/>` +
        `<rect x="${labelW}" y="${y + 3}" width="${w}" height="20" rx="3" class="bar ${b.cls}"/>` +
        `<text x="${labelW + w + 6}" y="${y + 17}" class="bar-value">${b.value}</text>`
      );
    })
    .join('');
  return (
    `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(`${title}: ${desc}`)}">` +
    `<title>${esc(`${title}: ${desc}`)}</title>` +
    `<text x="0" y="16" class="chart-title">${esc(title)}</text>${rows}</svg>`
  );
}
