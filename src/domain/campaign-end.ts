/**
 * A campaign that ends, and a record that stops being kept. Once a campaign has ended, "now"
 * means the end of its last day: figures stop there and silences stop growing. A moment after
 * the end may still be chosen; the record was not kept after it, and pages say so. While a
 * campaign runs, a record with no new event for a while says when it was last updated.
 */
import { daysBetween, endOfLondonDay, londonDateOf, type LondonDate } from './calendar.js';

/** Days without a new event after which silence figures say when the record was last updated. */
export const DEFAULT_STALE_AFTER_DAYS = 30;

/** Where a moment stands against the campaign's end. */
export type EndState =
  /** The campaign has not ended (or had not, as the record stood). */
  | 'live'
  /** A moment on or before the end of the campaign's last day. */
  | 'before-end'
  /** The end itself, chosen by default because "now" is after it. */
  | 'at-end'
  /** A moment after the end, chosen on purpose: the record was not kept then. */
  | 'after-end';

/**
 * The moment "now" means: the instant itself while the campaign runs, the end of its last day
 * once it has ended.
 */
export function defaultMoment(now: number, endedOn: LondonDate | null): number {
  return endedOn === null ? now : Math.min(now, endOfLondonDay(endedOn));
}

/** Where `asOf` stands against the end; `chosen` is false when the moment is the default one. */
export function endState(asOf: number, endedOn: LondonDate | null, chosen: boolean): EndState {
  if (endedOn === null) return 'live';
  const end = endOfLondonDay(endedOn);
  if (asOf > end) return 'after-end';
  return !chosen && asOf === end ? 'at-end' : 'before-end';
}

/**
 * The date the record was last updated (its latest event on or before the moment) when that
 * is more than `days` days before the moment's date; null when the record is fresh or empty.
 */
export function staleSince(asOf: number, latestEvent: LondonDate | null, days: number): LondonDate | null {
  if (latestEvent === null) return null;
  return daysBetween(latestEvent, londonDateOf(asOf)) > days ? latestEvent : null;
}
