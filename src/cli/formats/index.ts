/** File formats of `safeguard-scan scan`: csv, sarif and the html review report. */
export { CSV_COLUMNS, csvHeader, csvRow, formatCsv } from './csv.js';
export { artifactUri, formatSarif, sarifChunks, UNREADABLE_RULE_ID, type SarifOptions } from './sarif.js';
export { htmlReportChunks, renderHtmlReport, type HtmlReportOptions, type ReportDocument } from './html.js';
