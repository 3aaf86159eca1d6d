/** The rules of following by email: addresses, and when the digests are due (07:00 London time). */
import { describe, expect, it } from 'vitest';
import { instantOf } from '../../src/domain/calendar.js';
import { checkFollowerAddress, digestDue, lastScheduledDigest } from '../../src/domain/following.js';

describe('a follower’s address', () => {
  it.each([
    ['Reader@Example.NET', { ok: true, value: 'reader@example.net' }],
    ['  reader@example.net  ', { ok: true, value: 'reader@example.net' }],
    ['', { ok: false, message: 'Enter your email address' }],
    ['reader', { ok: false, message: 'Enter an email address like name@example.org' }],
    ['reader@example', { ok: false, message: 'Enter an email address like name@example.org' }],
    ['a@example.net\r\nBcc: b@example.net', { ok: false, message: 'Enter an email address like name@example.org' }],
    ['a@example.net\nb', { ok: false, message: 'Enter an email address like name@example.org' }],
    ['a@example.net,b@example.net', { ok: false, message: 'Enter an email address like name@example.org' }],
    ['Reader <a@example.net>', { ok: false, message: 'Enter an email address like name@example.org' }],
    [`${'a'.repeat(250)}@example.net`, { ok: false, message: 'An email address has 254 characters at most: check the address' }],
  ])('%j', (given, expected) => {
    expect(checkFollowerAddress(given)).toEqual(expected);
  });
});

describe('when a digest is due', () => {
  const london = (date: string, time: string) => instantOf(date, time);
  it.each([
    // Daily: 07:00 London time, GMT in winter, BST in summer.
    ['daily', london('2027-01-12', '06:59'), london('2027-01-11', '07:00'), false, 'before 07:00, yesterday’s was sent'],
    ['daily', london('2027-01-12', '07:00'), london('2027-01-11', '07:00'), true, 'at 07:00'],
    ['daily', london('2027-01-12', '23:59'), london('2027-01-12', '07:05'), false, 'already sent today'],
    ['daily', Date.UTC(2027, 2, 28, 6, 0), london('2027-03-27', '07:00'), true, '07:00 BST on the day the clocks go forward is 06:00 UTC'],
    ['daily', Date.UTC(2027, 2, 28, 5, 59), london('2027-03-27', '07:00'), false, '05:59 UTC that day is 06:59 BST'],
    ['daily', Date.UTC(2027, 9, 31, 7, 0), london('2027-10-30', '07:00'), true, '07:00 GMT on the day the clocks go back'],
    ['daily', Date.UTC(2027, 9, 31, 6, 30), london('2027-10-30', '07:00'), false, '06:30 GMT on the day the clocks go back'],
    ['daily', london('2027-01-12', '06:00'), null, false, 'never sent: not before 07:00'],
    ['daily', london('2027-01-12', '08:00'), null, true, 'never sent: after 07:00'],
    // Weekly: Mondays at 07:00.
    ['weekly', london('2027-01-11', '07:00'), london('2027-01-04', '07:00'), true, 'Monday 07:00'],
    ['weekly', london('2027-01-11', '06:59'), london('2027-01-04', '07:00'), false, 'Monday 06:59'],
    ['weekly', london('2027-01-13', '12:00'), london('2027-01-11', '07:00'), false, 'Wednesday, sent on Monday'],
    ['weekly', london('2027-01-13', '12:00'), london('2027-01-04', '07:00'), true, 'Wednesday, missed on Monday (the server was down)'],
    ['weekly', london('2027-01-13', '12:00'), null, false, 'never sent: waits for Monday'],
    ['weekly', Date.UTC(2027, 2, 29, 6, 0), london('2027-03-22', '07:00'), true, 'the Monday after the clocks go forward, 07:00 BST'],
  ] as const)('%s at %s (last %s): %s, %s', (frequency, now, last, due, _why) => {
    expect(digestDue(frequency, now, last)).toBe(due);
  });

  it('schedules at 07:00 London time', () => {
    expect(lastScheduledDigest('daily', Date.UTC(2027, 6, 1, 12))).toBe(Date.UTC(2027, 6, 1, 6));
    expect(lastScheduledDigest('weekly', Date.UTC(2027, 0, 13, 12))).toBe(Date.UTC(2027, 0, 11, 7));
  });
});
