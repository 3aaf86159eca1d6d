/**
 * How long each text the tracker keeps may be. Every form, import and command checks these, so
 * that no record becomes too long to show, link to or edit.
 */
export const TEXT_LIMITS = {
  /** An institution's name, and each of its other names. */
  name: 200,
  /** ODS code or police force id. */
  code: 40,
  region: 100,
  country: 100,
  /** How many other names an institution may have. */
  aliases: 30,
  /** Any web address. */
  url: 2000,
  /** What happened, in a sentence or two. */
  summary: 2000,
  /** An institution's words, verbatim. */
  quote: 20_000,
  /** Who made an approach. */
  from: 200,
  sourceTitle: 500,
  sourcePublisher: 200,
  /** A public correction note, or the reason for another reply due date. */
  note: 2000,
  campaignTitle: 200,
  campaignSummary: 4000,
  askTitle: 200,
  askDescription: 2000,
  personName: 200,
  email: 254,
} as const;

/** The longest slug an institution's address may have. */
export const SLUG_MAX = 80;

/** A message when `value` is longer than `limit` characters, else null. */
export function tooLong(value: string | null | undefined, limit: number, what: string): string | null {
  if (value === null || value === undefined || value.length <= limit) return null;
  return `Keep ${what} to ${limit.toLocaleString('en-GB')} characters or fewer (it has ${value.length.toLocaleString('en-GB')})`;
}

/** What a search may ask: how long the text typed, and how many words and phrases it may name. */
export const SEARCH_LIMITS = {
  length: 200,
  phrases: 20,
} as const;
