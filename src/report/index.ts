/** The output formats: stylish, json, jsonl, csv, sarif, the html review report and FHIR labels. Writers know no commands or files. */
export { CSV_COLUMNS, csvHeader, csvRow, formatCsv } from './csv.js';
export { artifactUri, formatSarif, sarifChunks, UNREADABLE_RULE_ID, type SarifOptions } from './sarif.js';
export { htmlReportChunks, renderHtmlReport, type HtmlReportOptions, type ReportDocument } from './html.js';
export {
  addDecision,
  applyDecision,
  decisionFor,
  decisionKey,
  decisionLine,
  parseDecisions,
  type Decisions,
  type DecisionState,
} from './decisions.js';
export { JSON_OPEN, jsonBody, jsonClose, jsonItem, jsonlLine, withoutText } from './jsonl.js';
export { stylishDetail, stylishLine } from './stylish.js';
export { byRisk, docLabel, printable, CATEGORY_LABEL } from './labels.js';
export { redact, originalOffset, redactedOffset, RedactionError, RedactOptionsSchema, REDACTION_LABEL, SAME_PERSON_RULE, type RedactOptions, type RedactResult } from './redact.js';
export { calibrationHtml, calibrationText } from './calibration.js';
export { describeIssue, InputFileError, parseJsonlLine } from './jsonl-input.js';
export { impactText } from './impact.js';
export * from './fhir/index.js';
