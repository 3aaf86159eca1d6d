/**
 * What every file of the copy says about the moment and revision it shows: the banner of every
 * page ("Figures as at 12:00 on 22 November 2026, as recorded at revision 42…"), citations'
 * pinned links, the `asOf` and `revision` of every API answer. A later export compares each file
 * with these blanked out, so that a page whose figures and words have not changed is left as it
 * is (still true of the moment and revision it names) instead of being written again because
 * the record moved on elsewhere.
 */
import { isoInstant } from '../domain/calendar.js';
import { instantLabel } from '../render/format.js';

export interface Stamp {
  /** The moment the copy shows (epoch ms). */
  asOf: number;
  /** The revision of the record it shows, and when that revision was made (epoch ms). */
  rev: number;
  recordedAt: number;
  /** The date of the latest event on record (the API's `campaign.lastUpdatedOn`). */
  lastUpdatedOn: string | null;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The ways a stamp is written, each with what stands in for it when files are compared. */
export function stampForms(stamp: Stamp): [RegExp, string][] {
  const iso = isoInstant(stamp.asOf);
  const forms: [RegExp, string][] = [
    [new RegExp(escapeRegExp(iso), 'g'), '\u0000as-of\u0000'],
    // Citations' pinned links write whole seconds without milliseconds.
    [new RegExp(escapeRegExp(iso.replace('.000Z', 'Z')), 'g'), '\u0000as-of\u0000'],
    // The moment and the time of the revision share their stand-in: an export made in the same
    // minute as the last change writes them alike, and one made later does not.
    [new RegExp(escapeRegExp(instantLabel(stamp.asOf)), 'g'), '\u0000moment\u0000'],
    [new RegExp(escapeRegExp(instantLabel(stamp.recordedAt)), 'g'), '\u0000moment\u0000'],
    [new RegExp(`\\brevision ${stamp.rev}(?!\\d)`, 'g'), 'revision \u0000rev\u0000'],
    [new RegExp(`([?&;]rev=)${stamp.rev}(?!\\d)`, 'g'), '$1\u0000rev\u0000'],
    [new RegExp(`"revision":${stamp.rev}(?!\\d)`, 'g'), '"revision":\u0000rev\u0000'],
    // The institutions spreadsheet's as_of and revision columns.
    [new RegExp(`\u0000as-of\u0000,${stamp.rev},`, 'g'), '\u0000as-of\u0000,\u0000rev\u0000,'],
  ];
  if (stamp.lastUpdatedOn) forms.push([new RegExp(`"lastUpdatedOn":"${stamp.lastUpdatedOn}"`, 'g'), '"lastUpdatedOn":\u0000last-updated\u0000']);
  return forms;
}

/** The text with its stamp blanked out: what decides whether a file has changed. */
export function withoutStamp(text: string, forms: [RegExp, string][]): string {
  let result = text;
  for (const [pattern, standIn] of forms) result = result.replace(pattern, standIn);
  return result;
}
