/**
 * Following the campaign by email: what a follower's address and choices must be, how long an
 * unconfirmed request waits, how often one address or one client may ask, and when the daily and
 * weekly digests are due (07:00 London time, every day or on Mondays).
 */
import { addDays, instantOf, isoWeekday, londonDateOf } from './calendar.js';
import { TEXT_LIMITS } from './limits.js';

export const FREQUENCIES = ['immediate', 'daily', 'weekly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

export const FREQUENCY_LABELS: Record<Frequency, string> = {
  immediate: 'As soon as something changes',
  daily: 'A daily summary (about 7am UK time)',
  weekly: 'A weekly summary (Monday mornings)',
};

/** A request not confirmed within this many days is deleted, address and all. */
export const CONFIRM_WITHIN_DAYS = 7;
export const CONFIRM_WITHIN_MS = CONFIRM_WITHIN_DAYS * 86_400_000;

/** At most this many confirmation emails go to one address in 24 hours, whoever asks. */
export const CONFIRMATIONS_PER_ADDRESS_PER_DAY = 3;

/** At most this many follow requests from one client address in an hour. */
export const REQUESTS_PER_CLIENT_PER_HOUR = 10;

/** When the digests are due, London time. */
export const DIGEST_TIME = '07:00';

/** Sent messages to followers are kept this long (what was sent, to whom), then deleted. */
export const FOLLOWER_MAIL_KEPT_DAYS = 30;

/** Whether following by email works here: mail can be sent (SMTP_URL, MAIL_FROM) and links can be signed (SESSION_SECRET, so they outlive a restart). */
export function followingAvailable(config: { sessionSecret: string | null; mail: { smtpUrl: string | null; from: string | null } }): boolean {
  return Boolean(config.mail.smtpUrl && config.mail.from && config.sessionSecret);
}

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

const ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

/**
 * A follower's address, trimmed and in lower case (one address, one set of subscriptions, however
 * it is typed). Refuses anything that could add a header or a second recipient (line breaks,
 * commas, angle brackets) and anything longer than an address can be.
 */
export function checkFollowerAddress(text: string | null | undefined): Checked<string> {
  const value = (text ?? '').trim();
  if (value === '') return { ok: false, message: 'Enter your email address' };
  if (value.length > TEXT_LIMITS.email) return { ok: false, message: `An email address has ${TEXT_LIMITS.email} characters at most: check the address` };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value) || !ADDRESS.test(value)) return { ok: false, message: 'Enter an email address like name@example.org' };
  return { ok: true, value: value.toLowerCase() };
}

export function checkFrequency(text: string | null | undefined): Checked<Frequency> {
  const value = (text ?? '').trim();
  return (FREQUENCIES as readonly string[]).includes(value) ? { ok: true, value: value as Frequency } : { ok: false, message: 'Choose how often you want to hear from us' };
}

export type DigestFrequency = Exclude<Frequency, 'immediate'>;

/** The latest moment a digest was scheduled at, at or before `now`: 07:00 London today or yesterday (daily), on this Monday or the last (weekly). */
export function lastScheduledDigest(frequency: DigestFrequency, now: number): number {
  const today = londonDateOf(now);
  const day = frequency === 'daily' ? today : addDays(today, 1 - isoWeekday(today));
  const moment = instantOf(day, DIGEST_TIME);
  return moment <= now ? moment : instantOf(addDays(day, frequency === 'daily' ? -1 : -7), DIGEST_TIME);
}

/**
 * Whether a digest is due now, given when one was last sent (null: never). Due once the scheduled
 * moment has passed and none was sent since; the very first goes out on a scheduled day, never on
 * the day the tracker first starts whatever the hour.
 */
export function digestDue(frequency: DigestFrequency, now: number, lastRunAt: number | null): boolean {
  const moment = lastScheduledDigest(frequency, now);
  if (lastRunAt === null) return londonDateOf(moment) === londonDateOf(now);
  return lastRunAt < moment;
}

/** The period a digest covers for lateness (contacts that became late): since the last one, or one period back. */
export function digestPeriodStart(frequency: DigestFrequency, now: number, lastRunAt: number | null): number {
  return lastRunAt ?? now - (frequency === 'daily' ? 1 : 7) * 86_400_000;
}
