import { describe, expect, it } from 'vitest';
import { endOfLondonDay, instantOf } from '../../src/domain/calendar.js';
import type { HistoryEvent } from '../../src/domain/history.js';
import { currentPositions, headlineCounts, rung, type PositionStatement } from '../../src/domain/positions.js';
import { isOverdue, replyDueOn, replyWindow } from '../../src/domain/reply-due.js';
import { isComment, outstandingContacts, silence } from '../../src/domain/silence.js';
import type { ResponseType, Stance } from '../../src/domain/vocabulary.js';
import { loadCalendar } from '../../src/records/reference-data.js';
import { FIXTURE_DATA } from '../factories.js';

/** The fixture's bank holiday list: the real bank holidays of England and Wales, 2018 to 2027. */
const calendar = loadCalendar(FIXTURE_DATA);

let nextId = 1;
function ev(kind: 'contact' | ResponseType | 'milestone', date: string, time: string | null = null, status: 'published' | 'draft' = 'published'): HistoryEvent {
  const type = kind === 'contact' || kind === 'milestone' ? kind : 'response';
  return {
    id: nextId++,
    type,
    responseType: type === 'response' ? (kind as ResponseType) : null,
    status,
    occurredAt: instantOf(date, time),
    date,
  };
}
const at = (date: string, time = '12:00') => instantOf(date, time);

describe('silence (days without comment)', () => {
  it('is null for an empty history', () => {
    expect(silence([], at('2021-05-06'), calendar)).toBeNull();
  });

  it('reproduces the worked example: NHS England as at 11:30 on 6 May 2021', () => {
    const history = [ev('contact', '2021-04-23'), ev('contact', '2021-04-23')];
    expect(silence(history, instantOf('2021-05-06', '11:30'), calendar)).toEqual({
      since: '2021-04-23',
      calendarDays: 13,
      workingDays: 8,
      unansweredContacts: 2,
      lastContact: '2021-04-23',
      holidayListEndsOn: null,
    });
  });

  type Case = [string, () => HistoryEvent[], number, { since: string; calendarDays: number; workingDays: number | null; unansweredContacts: number; lastContact: string } | null];
  const cases: Case[] = [
    ['an acknowledgement does not stop the clock', () => [ev('contact', '2021-04-23'), ev('acknowledgement', '2021-04-26')], at('2021-05-06'),
      { since: '2021-04-23', calendarDays: 13, workingDays: 8, unansweredContacts: 1, lastContact: '2021-04-23' }],
    ['a holding reply does not stop the clock', () => [ev('contact', '2021-04-23'), ev('holding_reply', '2021-04-26')], at('2021-05-06'),
      { since: '2021-04-23', calendarDays: 13, workingDays: 8, unansweredContacts: 1, lastContact: '2021-04-23' }],
    ['“no comment” does not stop the clock', () => [ev('contact', '2021-04-23'), ev('no_comment', '2021-04-26')], at('2021-05-06'),
      { since: '2021-04-23', calendarDays: 13, workingDays: 8, unansweredContacts: 1, lastContact: '2021-04-23' }],
    ['a statement stops it', () => [ev('contact', '2021-04-23'), ev('statement', '2021-04-26')], at('2021-05-06'), null],
    ['an FOI response stops it', () => [ev('contact', '2021-04-23'), ev('foi_response', '2021-04-26')], at('2021-05-06'), null],
    ['a contact after the latest comment starts it again', () => [ev('contact', '2021-04-01'), ev('statement', '2021-04-06'), ev('contact', '2021-04-23'), ev('contact', '2021-04-30')], at('2021-05-06'),
      { since: '2021-04-23', calendarDays: 13, workingDays: 8, unansweredContacts: 2, lastContact: '2021-04-30' }],
    ['a draft comment does not count', () => [ev('contact', '2021-04-23'), ev('statement', '2021-04-26', null, 'draft')], at('2021-05-06'),
      { since: '2021-04-23', calendarDays: 13, workingDays: 8, unansweredContacts: 1, lastContact: '2021-04-23' }],
    ['a draft contact does not count', () => [ev('contact', '2021-04-23', null, 'draft')], at('2021-05-06'), null],
    ['a comment after T does not count', () => [ev('contact', '2021-04-23'), ev('statement', '2021-05-07')], at('2021-05-06'),
      { since: '2021-04-23', calendarDays: 13, workingDays: 8, unansweredContacts: 1, lastContact: '2021-04-23' }],
    ['a contact after T does not count', () => [ev('contact', '2021-05-07')], at('2021-05-06'), null],
    ['a contact at London midnight counts as at that very instant', () => [ev('contact', '2021-05-06')], instantOf('2021-05-06'),
      { since: '2021-05-06', calendarDays: 0, workingDays: 0, unansweredContacts: 1, lastContact: '2021-05-06' }],
    ['a contact does not count one millisecond before it happened', () => [ev('contact', '2021-05-06')], instantOf('2021-05-06') - 1, null],
    ['T just after midnight BST is already the next London date', () => [ev('contact', '2021-05-05')], Date.parse('2021-05-05T23:30:00Z'),
      { since: '2021-05-05', calendarDays: 1, workingDays: 1, unansweredContacts: 1, lastContact: '2021-05-05' }],
    ['T late in the evening GMT is still the same date', () => [ev('contact', '2021-12-01')], Date.parse('2021-12-06T23:30:00Z'),
      { since: '2021-12-01', calendarDays: 5, workingDays: 3, unansweredContacts: 1, lastContact: '2021-12-01' }],
    ['across the spring BST change', () => [ev('contact', '2021-03-26')], at('2021-03-29'),
      { since: '2021-03-26', calendarDays: 3, workingDays: 1, unansweredContacts: 1, lastContact: '2021-03-26' }],
    ['across Christmas and its substitute days', () => [ev('contact', '2021-12-24')], endOfLondonDay('2021-12-29'),
      { since: '2021-12-24', calendarDays: 5, workingDays: 1, unansweredContacts: 1, lastContact: '2021-12-24' }],
    ['a milestone is not a contact', () => [ev('milestone', '2021-04-23')], at('2021-05-06'), null],
    ['a comment and a later contact on the same day: the contact is outstanding', () => [ev('statement', '2021-05-04', '09:00'), ev('contact', '2021-05-04', '15:00')], at('2021-05-06'),
      { since: '2021-05-04', calendarDays: 2, workingDays: 2, unansweredContacts: 1, lastContact: '2021-05-04' }],
    ['a contact and a comment at the same instant: the one logged later comes later', () => [ev('contact', '2021-05-04'), ev('statement', '2021-05-04')], at('2021-05-06'), null],
    ['on the last day the bank holiday list covers, working days are counted', () => [ev('contact', '2027-12-01')], endOfLondonDay('2027-12-31'),
      { since: '2027-12-01', calendarDays: 30, workingDays: 20, unansweredContacts: 1, lastContact: '2027-12-01' }],
    ['a minute past the end of the list, only calendar days are', () => [ev('contact', '2027-12-01')], endOfLondonDay('2027-12-31') + 60_000,
      { since: '2027-12-01', calendarDays: 31, workingDays: null, unansweredContacts: 1, lastContact: '2027-12-01' }],
    ['a contact after the list ends: calendar days only', () => [ev('contact', '2028-01-04')], at('2028-02-01'),
      { since: '2028-01-04', calendarDays: 28, workingDays: null, unansweredContacts: 1, lastContact: '2028-01-04' }],
    ['a contact before the list begins: calendar days only', () => [ev('contact', '2017-12-20')], at('2018-01-05'),
      { since: '2017-12-20', calendarDays: 16, workingDays: null, unansweredContacts: 1, lastContact: '2017-12-20' }],
  ];

  it.each(cases)('%s', (_name, history, asOf, expected) => {
    // The list the tests use ends on 31 December 2027: a figure without working days says so.
    const withEnd = expected && { ...expected, holidayListEndsOn: expected.workingDays === null ? '2027-12-31' : null };
    expect(silence(history(), asOf, calendar)).toEqual(withEnd);
  });

  it('does not depend on the order the history is given in', () => {
    const history = [ev('contact', '2021-04-01'), ev('statement', '2021-04-06'), ev('contact', '2021-04-23')];
    const reversed = [...history].reverse();
    expect(silence(reversed, at('2021-05-06'), calendar)).toEqual(silence(history, at('2021-05-06'), calendar));
    expect(outstandingContacts(reversed, at('2021-05-06')).map((e) => e.date)).toEqual(['2021-04-23']);
  });

  it.each([
    ['statement', true],
    ['foi_response', true],
    ['acknowledgement', false],
    ['holding_reply', false],
    ['no_comment', false],
  ] as const)('a %s is a comment: %s', (kind, comment) => expect(isComment(ev(kind, '2021-05-06'))).toBe(comment));
});

describe('current positions', () => {
  const asks = ['halt', 'review'];
  let id = 1000;
  const st = (date: string, ask: string, stance: Stance, status: 'published' | 'draft' = 'published'): PositionStatement => ({
    id: id++, type: 'response', responseType: 'statement', status, occurredAt: instantOf(date), date, ask, stance,
  });

  it('is “none” on every ask when nothing was stated', () => {
    expect(currentPositions([], asks, at('2021-05-06'))).toEqual({
      halt: { stance: 'none', since: null, eventId: null },
      review: { stance: 'none', since: null, eventId: null },
    });
  });

  it.each([
    ['the latest statement wins', [st('2021-05-01', 'review', 'considering'), st('2021-05-06', 'review', 'committed')], at('2021-05-07'), 'committed', '2021-05-06'],
    ['the latest wins even when it is lower on the ladder', [st('2021-05-01', 'review', 'committed'), st('2021-05-06', 'review', 'refused')], at('2021-05-07'), 'refused', '2021-05-06'],
    ['order given does not matter', [st('2021-05-06', 'review', 'committed'), st('2021-05-01', 'review', 'considering')], at('2021-05-07'), 'committed', '2021-05-06'],
    ['a statement after T does not count', [st('2021-05-01', 'review', 'considering'), st('2021-05-08', 'review', 'committed')], at('2021-05-07'), 'considering', '2021-05-01'],
    ['a draft does not count', [st('2021-05-01', 'review', 'considering'), st('2021-05-06', 'review', 'committed', 'draft')], at('2021-05-07'), 'considering', '2021-05-01'],
    ['a statement on another ask leaves this one alone', [st('2021-05-06', 'halt', 'refused')], at('2021-05-07'), 'none', null],
  ] as const)('%s', (_name, statements, asOf, stance, since) => {
    const positions = currentPositions([...statements], asks, asOf);
    expect(positions.review!.stance).toBe(stance);
    expect(positions.review!.since).toBe(since);
  });

  it('names the event that set the position', () => {
    const s = st('2021-05-06', 'halt', 'done');
    expect(currentPositions([s], asks, at('2021-05-07')).halt).toEqual({ stance: 'done', since: '2021-05-06', eventId: s.id });
  });

  it('ignores asks the campaign no longer has', () => {
    expect(Object.keys(currentPositions([st('2021-05-06', 'old-ask', 'done')], asks, at('2021-05-07')))).toEqual(asks);
  });

  it('orders the ladder none < refused < considering < committed < done', () => {
    expect(['none', 'refused', 'considering', 'committed', 'done'].map((s) => rung(s as Stance))).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('headline counts', () => {
  const p = (halt: Stance, review: Stance) => ({
    positions: { halt: { stance: halt, since: null, eventId: null }, review: { stance: review, since: null, eventId: null } },
  });

  it('counts, on review, 1 committed, 1 considering and 2 with no position, of 4 involved', () => {
    const counts = headlineCounts([p('none', 'none'), p('none', 'none'), p('none', 'committed'), p('none', 'considering')], ['halt', 'review']);
    expect(counts[1]).toEqual({ ask: 'review', involved: 4, byStance: { none: 2, refused: 0, considering: 1, committed: 1, done: 0 } });
    expect(counts[0]!.byStance.none).toBe(4);
  });

  it('is all zeros of 0 when nobody is involved', () => {
    expect(headlineCounts([], ['review'])).toEqual([{ ask: 'review', involved: 0, byStance: { none: 0, refused: 0, considering: 0, committed: 0, done: 0 } }]);
  });
});

describe('reply due dates', () => {
  const windows = { foi: 20, default: 10 };
  it.each([
    ['2021-04-23', 'petition', windows, '2021-05-10'],
    ['2021-04-23', 'foi', windows, '2021-05-24'],
    ['2021-04-23', 'email', { foi: 20, default: 5 }, '2021-04-30'],
    ['2021-12-20', 'letter', windows, '2022-01-06'],
    ['2021-05-08', 'email', windows, '2021-05-21'], // logged on a Saturday
  ] as const)('a contact on %s by %s is due by %s', (date, channel, w, due) => {
    expect(replyDueOn(date, channel, w, calendar)).toBe(due);
  });

  it('gives FOI requests 20 working days whatever the default', () => {
    expect(replyWindow('foi', { foi: 20, default: 3 })).toBe(20);
    expect(replyWindow('meeting', { foi: 20, default: 3 })).toBe(3);
  });

  it.each([
    ['on its due date, at the last moment (BST)', '2021-05-10', '2021-05-10T22:59:59.999Z', false],
    ['the day after, from London midnight (BST)', '2021-05-10', '2021-05-10T23:00:00.000Z', true],
    ['on its due date, at the last moment (GMT)', '2021-12-06', '2021-12-06T23:59:59.999Z', false],
    ['the day after, from London midnight (GMT)', '2021-12-06', '2021-12-07T00:00:00.000Z', true],
    ['long before', '2021-05-10', '2021-04-23T09:00:00.000Z', false],
    ['with no due date', null, '2030-01-01T00:00:00.000Z', false],
  ] as const)('an unanswered contact due %s is overdue: %s', (_name, dueOn, at, overdue) => {
    expect(isOverdue(dueOn, Date.parse(at))).toBe(overdue);
  });
});
