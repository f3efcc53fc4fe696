/** The output formats: stylish, json, jsonl, csv, sarif, the html review report and FHIR labels. Writers know no commands or files. */
export { CSV_COLUMNS, csvHeader, csvRow, formatCsv } from './csv.js';
export { artifactUri, formatSarif, sarifChunks, UNREADABLE_RULE_ID, type SarifOptions } from './sarif.js';
export { htmlReportChunks, renderHtmlReport, type HtmlReportOptions, type ReportDocument } from './html.js';
export { JSON_OPEN, jsonBody, jsonClose, jsonItem, jsonlLine, withoutText } from './jsonl.js';
export { stylishDetail, stylishLine } from './stylish.js';
export { byRisk, docLabel, printable, CATEGORY_LABEL } from './labels.js';
export * from './fhir/index.js';
