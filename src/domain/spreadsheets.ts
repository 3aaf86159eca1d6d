/**
 * Spreadsheets in and out: the columns of the import format (DOMAIN.md), which exports use too
 * so that a download imports again unchanged.
 */
export const EVENT_COLUMNS = [
  'institution', 'date', 'time', 'type', 'channel', 'response_type', 'from', 'summary', 'quote',
  'source_title', 'source_url', 'source_publisher', 'source_date', 'status',
] as const;

export const INSTITUTION_COLUMNS = ['name', 'kind', 'code', 'region', 'country', 'aliases', 'website'] as const;

/**
 * Spreadsheet programs run a cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage
 * return as a formula. Every CSV the tracker writes puts a single quote before such a cell
 * (as OWASP recommends), and every import takes it off again, so that a round trip changes
 * nothing: a cell that already began with quotes before such a character gets one more.
 */
const FORMULA = /^'*[=+\-@\t\r]/;
const QUOTED_FORMULA = /^'+[=+\-@\t\r]/;

/** The text to write into a CSV cell. */
export function neutraliseCell(value: string): string {
  return FORMULA.test(value) ? `'${value}` : value;
}

/** The text a CSV cell written by `neutraliseCell` stood for. */
export function restoreCell(value: string): string {
  return QUOTED_FORMULA.test(value) ? value.slice(1) : value;
}
