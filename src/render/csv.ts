/** Every CSV the tracker writes, with spreadsheet formulas neutralised (see domain/spreadsheet-cells). */
import { stringify } from 'csv-stringify/sync';
import { neutraliseCell } from '../domain/spreadsheets.js';

export type CsvValue = string | number | boolean | null | undefined;

/** Rows as CSV text (each ending in a newline); null and undefined are empty cells. */
export function csvRows(rows: readonly (readonly CsvValue[])[]): string {
  return stringify(rows as CsvValue[][], { cast: { string: neutraliseCell, boolean: (b) => (b ? 'true' : 'false') } });
}
