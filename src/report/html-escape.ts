const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML element content and quoted attribute values alike. Every string that
 * comes from a document (its text, path, record id, reasons, errors) and every lexicon-provided
 * name goes through this: record text must render inert, whatever it holds.
 */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}
