import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { endOfLondonDay, instantOf } from '../../src/domain/calendar.js';
import type { HistoryEvent } from '../../src/domain/history.js';
import { currentPositions, headlineCounts, LadderByWeek, ladderOverTime, rung, type PositionStatement } from '../../src/domain/positions.js';
import { explainDueDate, isOverdue, overdueAsAt, overdueThresholds, replyDueOn, replyWindow } from '../../src/domain/reply-due.js';
import { isComment, outstandingContacts, silence } from '../../src/domain/silence.js';
import { STANCES, type ResponseType, type Stance } from '../../src/domain/vocabulary.js';
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

describe('positions over time', () => {
  it('gives at every instant the headline counts of the positions as at that instant, over random histories', () => {
    const day = 86_400_000;
    const start = instantOf('2021-01-01');
    const statement = fc.record({
      institutionId: fc.integer({ min: 1, max: 6 }),
      day: fc.integer({ min: 0, max: 60 }),
      ask: fc.constantFrom('halt', 'review', 'withdrawn-ask'),
      stance: fc.constantFrom(...STANCES),
      published: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(statement, { maxLength: 40 }), fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 6, maxLength: 6 }), fc.array(fc.integer({ min: -1, max: 62 }), { minLength: 1, maxLength: 12 }), (made, joined, at) => {
        const statements = made.map((m, i): PositionStatement & { institutionId: number } => ({
          id: i + 1, institutionId: m.institutionId, type: 'response', responseType: 'statement', status: m.published ? 'published' : 'draft',
          occurredAt: start + m.day * day, date: '2021-01-01', ask: m.ask, stance: m.stance,
        }));
        // Institutions 1 to 6 each become involved on a day; some never within the period.
        const since = new Map(joined.map((d, i) => [i + 1, start + d * day] as [number, number]));
        const instants = [...new Set(at.map((d) => start + d * day + day / 2))].sort((a, b) => a - b);
        const asks = ['halt', 'review'];
        const points = ladderOverTime(statements, since, asks, instants);
        points.forEach((point, i) => {
          expect(point.at).toBe(instants[i]);
          const involved = [...since].filter(([, from]) => from <= point.at).map(([id]) => ({ positions: currentPositions(statements.filter((s) => s.institutionId === id), asks, point.at) }));
          expect(point.involved).toBe(involved.length);
          for (const count of headlineCounts(involved, asks)) expect(point.byAsk[count.ask]).toEqual(count.byStance);
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('positions over time, kept week by week', () => {
  it('agree with the positions over time counted afresh after each change of random histories, counting again only the institutions changed', () => {
    const day = 86_400_000;
    const week = 7 * day;
    const start = instantOf('2021-01-04');
    // Weeks of a grid from `start`: week i ends at start + (i + 1) weeks.
    const weekOf = (instant: number) => Math.max(0, Math.ceil((instant - start) / week) - 1);
    const asks = ['halt', 'review'];
    const statement = fc.record({ day: fc.integer({ min: 0, max: 60 }), ask: fc.constantFrom('halt', 'review', 'withdrawn-ask'), stance: fc.constantFrom(...STANCES), published: fc.boolean() });
    const history = fc.record({ joined: fc.option(fc.integer({ min: 0, max: 60 }), { nil: null }), statements: fc.array(statement, { maxLength: 6 }) });
    const change = fc.record({ institutionId: fc.integer({ min: 1, max: 6 }), history, asOf: fc.integer({ min: 60, max: 75 }) });
    fc.assert(
      fc.property(fc.array(history, { minLength: 6, maxLength: 6 }), fc.array(change, { minLength: 1, maxLength: 8 }), (first, changes) => {
        let nextId = 1;
        const histories = new Map<number, { joined: number | null; statements: (PositionStatement & { institutionId: number })[] }>();
        const made = (institutionId: number, h: { joined: number | null; statements: { day: number; ask: string; stance: Stance; published: boolean }[] }) => ({
          // An institution's statements come on or after the day it became involved, as its events do.
          joined: h.joined,
          statements: h.joined === null ? [] : h.statements.map((m) => ({
            id: nextId++, institutionId, type: 'response' as const, responseType: 'statement' as const, status: m.published ? ('published' as const) : ('draft' as const),
            occurredAt: start + Math.max(m.day, h.joined!) * day, date: '2021-01-04', ask: m.ask, stance: m.stance,
          })),
        });
        first.forEach((h, i) => histories.set(i + 1, made(i + 1, h)));
        const ladder = new LadderByWeek(asks, weekOf);
        for (const c of changes) {
          histories.set(c.institutionId, made(c.institutionId, c.history));
          const since = new Map([...histories].filter(([, h]) => h.joined !== null).map(([id, h]) => [id, start + h.joined! * day] as [number, number]));
          ladder.update(new Map([...histories].map(([id, h]) => [id, h.statements])), since);
          // As at a moment on or after every event, as figures as at now are.
          const asOf = start + c.asOf * day + day / 2;
          const ends = Array.from({ length: weekOf(asOf) }, (_, i) => start + (i + 1) * week);
          const all = [...histories.values()].flatMap((h) => h.statements);
          expect(ladder.points(ends, asOf)).toEqual(ladderOverTime(all, since, asks, [...ends, asOf]));
        }
      }),
      { numRuns: 300 },
    );
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

describe('overdue tiers: late the day after the due date, long overdue once twice the window has passed', () => {
  it.each([
    ['an email of Friday 23 April 2021 (10 working days)', '2021-04-23', '2021-05-10', { lateOn: '2021-05-11', longOverdueOn: '2021-05-25' }],
    // 40 working days for FOI, as WhatDoTheyKnow counts them: Monday 31 May 2021 was a bank holiday.
    ['an FOI request of Friday 23 April 2021 (20 working days)', '2021-04-23', '2021-05-24', { lateOn: '2021-05-25', longOverdueOn: '2021-06-23' }],
    ['a due date set by hand, 3 working days on (Monday 3 May a bank holiday)', '2021-04-23', '2021-04-28', { lateOn: '2021-04-29', longOverdueOn: '2021-05-05' }],
    ['no due date', '2021-04-23', null, { lateOn: null, longOverdueOn: null }],
    ['twice the window ending on the last day of the holiday list', '2027-12-01', '2027-12-15', { lateOn: '2027-12-16', longOverdueOn: '2028-01-01' }],
    ['twice the window running past the holiday list', '2027-12-10', '2027-12-24', { lateOn: '2027-12-25', longOverdueOn: null }],
  ] as const)('%s', (_name, date, dueOn, expected) => {
    expect(overdueThresholds(date, dueOn, calendar)).toEqual(expected);
  });

  const thresholds = { lateOn: '2021-05-11', longOverdueOn: '2021-05-25' };
  it.each([
    ['on the due date, unanswered: neither', null, '2021-05-10', { lateOn: null, longOverdueOn: null }],
    ['the day after, unanswered: late', null, '2021-05-11', { lateOn: '2021-05-11', longOverdueOn: null }],
    ['the day before twice the window has passed: still only late', null, '2021-05-24', { lateOn: '2021-05-11', longOverdueOn: null }],
    ['once twice the window has passed, unanswered: both', null, '2021-05-25', { lateOn: '2021-05-11', longOverdueOn: '2021-05-25' }],
    ['answered on the due date: never late', '2021-05-10', '2021-06-30', { lateOn: null, longOverdueOn: null }],
    ['answered the day it became late: late, and stays so', '2021-05-11', '2021-06-30', { lateOn: '2021-05-11', longOverdueOn: null }],
    ['answered between the two: late only', '2021-05-20', '2021-06-30', { lateOn: '2021-05-11', longOverdueOn: null }],
    ['answered after both: both, with their days', '2021-06-01', '2021-06-30', { lateOn: '2021-05-11', longOverdueOn: '2021-05-25' }],
    ['answered after the moment shown: as if unanswered', '2021-06-01', '2021-05-12', { lateOn: '2021-05-11', longOverdueOn: null }],
  ] as const)('%s', (_name, answeredOn, today, expected) => {
    // A comment after the moment shown is not known then: the caller passes null for it.
    const answered = answeredOn !== null && answeredOn <= today ? answeredOn : null;
    expect(overdueAsAt(thresholds, answered, today)).toEqual(expected);
  });
});

describe('how a reply due date was worked out', () => {
  it('lists each day from the approach to the due date, counting working days and naming what it skipped', () => {
    // An email on Friday 23 April 2021, due 10 working days later, on Monday 10 May.
    const days = explainDueDate('2021-04-23', '2021-05-10', calendar)!;
    expect(days.map((d) => [d.date, d.counted ?? d.skipped])).toEqual([
      ['2021-04-24', 'Saturday'],
      ['2021-04-25', 'Sunday'],
      ['2021-04-26', 1],
      ['2021-04-27', 2],
      ['2021-04-28', 3],
      ['2021-04-29', 4],
      ['2021-04-30', 5],
      ['2021-05-01', 'Saturday'],
      ['2021-05-02', 'Sunday'],
      ['2021-05-03', 'Early May bank holiday'],
      ['2021-05-04', 6],
      ['2021-05-05', 7],
      ['2021-05-06', 8],
      ['2021-05-07', 9],
      ['2021-05-08', 'Saturday'],
      ['2021-05-09', 'Sunday'],
      ['2021-05-10', 10],
    ]);
  });

  it.each([
    ['a due date before the approach', '2021-05-10', '2021-05-01'],
    ['a due date on the day of the approach', '2021-05-10', '2021-05-10'],
    ['a due date past the holiday list', '2027-12-10', '2028-01-10'],
    ['a due date more than a year on', '2021-05-10', '2022-05-12'],
  ])('cannot list the days for %s', (_name, date, dueOn) => {
    expect(explainDueDate(date, dueOn, calendar)).toBeNull();
  });
});
