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
