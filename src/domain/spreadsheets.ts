/**
 * Spreadsheets in and out: the columns of the import format (DOMAIN.md), which exports use too
 * so that a download imports again unchanged.
 */
export const EVENT_COLUMNS = [
  'institution', 'date', 'time', 'type', 'channel', 'response_type', 'from', 'summary', 'quote',
  'source_title', 'source_url', 'source_publisher', 'source_date', 'status',
] as const;

/**
 * Figures the open data's events spreadsheet adds after the ask columns (the days a contact became
 * late and long overdue, as at the moment of the download): the import accepts and ignores them,
 * so that a download still imports.
 */
export const EVENT_FIGURE_COLUMNS = ['late_on', 'long_overdue_on'] as const;

/** `email` is where letters sent from the tracker go; `email_public` (true or false) whether the public may see it. */
export const INSTITUTION_COLUMNS = ['name', 'kind', 'code', 'region', 'country', 'aliases', 'website', 'email', 'email_public'] as const;

/**
 * The columns that make the workspace's downloads round-trip. An events row with an `id` updates
 * that event instead of adding one; `institution_name` is there to read (the import passes over
 * it, and warns when it names another institution than `institution`); `correction_note` is the
 * public note a change to a published event needs. An institutions row with a `slug` updates
 * that institution.
 */
export const EVENT_ID_COLUMN = 'id';
export const INSTITUTION_NAME_COLUMN = 'institution_name';
export const CORRECTION_NOTE_COLUMN = 'correction_note';
export const INSTITUTION_SLUG_COLUMN = 'slug';

/** The events download of the workspace: the id, the institution and its name, the rest of the import columns, the asks, an empty note. */
export function workspaceEventColumns(askSlugs: readonly string[]): string[] {
  const [institution, ...rest] = EVENT_COLUMNS;
  return [EVENT_ID_COLUMN, institution, INSTITUTION_NAME_COLUMN, ...rest, ...askSlugs, CORRECTION_NOTE_COLUMN];
}

/** The institutions download of the workspace: the slug, then the import columns. */
export const workspaceInstitutionColumns = (): string[] => [INSTITUTION_SLUG_COLUMN, ...INSTITUTION_COLUMNS];

/**
 * A summary as a reader skimming a spreadsheet takes it: trimmed, white space collapsed, case
 * folded. An added row with the same institution, date and type as an event already recorded,
 * and a summary with the same key, looks like that event again.
 */
export function summaryKey(summary: string): string {
  return summary.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('en-GB');
}

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
