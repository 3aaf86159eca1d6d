/**
 * The campaigners' follow-up queue (`followUp`): which approaches await a reply, which are
 * overdue, in what order, how long each has waited, who is without comment, and the drafts.
 * Each test builds its own institutions and events on its own database.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { instantOf, type LondonDate } from '../../src/domain/calendar.js';
import type { ResponseType } from '../../src/domain/vocabulary.js';
import { setEventDeleted } from '../../src/records/log-events.js';
import { followUp, QUEUE_LIMIT } from '../../src/tracker/follow-up.js';
import type { Tracker } from '../../src/tracker/tracker.js';
import { contact, FIXTURE_DATA, institution, milestone, response, type MadeInstitution } from '../factories.js';
import { makeApp } from '../helpers.js';

/** A tracker on a fresh database of the fixture campaign (empty directory, no events). */
async function freshTracker(): Promise<{ tracker: Tracker; db: Db }> {
  const t = await makeApp({ dataDir: FIXTURE_DATA });
  onTestFinished(() => t.close());
  const { db, databasePath, calendar, baseUrl } = t.app.tracker;
  return { tracker: { db, databasePath, calendar, baseUrl }, db };
}

const someone = { userId: null, name: 'test' };
const deleteEvent = (db: Db, id: number) => setEventDeleted(db, id, true, 'Logged by mistake', someone, Date.now());

describe('which approaches are awaiting a reply', () => {
  /** One step of an institution's history: an approach (labelled, to name it in the answer) or a reply. */
  interface Step {
    /** `contact` or the kind of response; `milestone` for a milestone. */
    event: 'contact' | 'milestone' | ResponseType;
    date: LondonDate;
    time?: string;
    label?: string;
    status?: 'draft';
    deleted?: true;
    /** Made to (or by) another institution. */
    elsewhere?: true;
  }
  const AS_OF = instantOf('2021-06-30', '12:00');

  it.each<[string, Step[], string[]]>([
    ['an institution with no history has none', [], []],
    ['an approach with no reply awaits one', [{ event: 'contact', date: '2021-04-23', label: 'c1' }], ['c1']],
    ['a statement answers the approach', [{ event: 'contact', date: '2021-04-23', label: 'c1' }, { event: 'statement', date: '2021-04-30' }], []],
    ['an FOI response answers the approach', [{ event: 'contact', date: '2021-04-23', label: 'c1' }, { event: 'foi_response', date: '2021-05-20' }], []],
    [
      'a statement answers every earlier approach',
      [{ event: 'contact', date: '2021-04-01', label: 'c1' }, { event: 'contact', date: '2021-04-10', label: 'c2' }, { event: 'statement', date: '2021-04-20' }],
      [],
    ],
    [
      'approaches after the latest statement still wait',
      [
        { event: 'contact', date: '2021-04-01', label: 'c1' },
        { event: 'statement', date: '2021-04-10' },
        { event: 'contact', date: '2021-04-20', label: 'c2' },
        { event: 'contact', date: '2021-04-21', label: 'c3' },
      ],
      ['c2', 'c3'],
    ],
    ['an acknowledgement does not answer it', [{ event: 'contact', date: '2021-04-23', label: 'c1' }, { event: 'acknowledgement', date: '2021-04-24' }], ['c1']],
    ['a holding reply does not answer it', [{ event: 'contact', date: '2021-04-23', label: 'c1' }, { event: 'holding_reply', date: '2021-04-26' }], ['c1']],
    ['“no comment” does not answer it', [{ event: 'contact', date: '2021-04-23', label: 'c1' }, { event: 'no_comment', date: '2021-04-26' }], ['c1']],
    ['a milestone does not answer it', [{ event: 'contact', date: '2021-04-23', label: 'c1' }, { event: 'milestone', date: '2021-04-26' }], ['c1']],
    ['a draft approach does not count', [{ event: 'contact', date: '2021-04-23', label: 'c1', status: 'draft' }], []],
    ['a deleted approach does not count', [{ event: 'contact', date: '2021-04-23', label: 'c1', deleted: true }], []],
    ['a draft statement does not answer it', [{ event: 'contact', date: '2021-04-23', label: 'c1' }, { event: 'statement', date: '2021-04-30', status: 'draft' }], ['c1']],
    ['a deleted statement does not answer it', [{ event: 'contact', date: '2021-04-23', label: 'c1' }, { event: 'statement', date: '2021-04-30', deleted: true }], ['c1']],
    ['another institution’s statement does not answer it', [{ event: 'contact', date: '2021-04-23', label: 'c1' }, { event: 'statement', date: '2021-04-30', elsewhere: true }], ['c1']],
    ['a statement made before the approach does not answer it', [{ event: 'statement', date: '2021-04-01' }, { event: 'contact', date: '2021-04-02', label: 'c1' }], ['c1']],
    [
      'an approach after the moment does not count, one at the moment does',
      [{ event: 'contact', date: '2021-06-30', time: '12:01', label: 'later' }, { event: 'contact', date: '2021-06-30', time: '12:00', label: 'now' }],
      ['now'],
    ],
    ['a statement after the moment does not answer it yet', [{ event: 'contact', date: '2021-06-01', label: 'c1' }, { event: 'statement', date: '2021-06-30', time: '12:01' }], ['c1']],
    [
      'a statement of the same moment answers an approach logged before it',
      [{ event: 'contact', date: '2021-04-23', time: '10:00', label: 'c1' }, { event: 'statement', date: '2021-04-23', time: '10:00' }],
      [],
    ],
    [
      'an approach logged after a statement of the same moment still waits',
      [{ event: 'statement', date: '2021-04-23', time: '10:00' }, { event: 'contact', date: '2021-04-23', time: '10:00', label: 'c1' }],
      ['c1'],
    ],
  ])('%s', async (_name, steps, expected) => {
    const { tracker, db } = await freshTracker();
    const body = institution(db, { name: 'Borsetshire Police' });
    const other = institution(db, { name: 'Felpersham Police' });
    const ids = new Map<string, number>();
    for (const step of steps) {
      const who = step.elsewhere ? other : body;
      const spec = { date: step.date, time: step.time ?? null, status: step.status ?? 'published' } as const;
      const id =
        step.event === 'contact' ? contact(db, who, spec) : step.event === 'milestone' ? milestone(db, who, spec) : response(db, who, { ...spec, responseType: step.event });
      if (step.label) ids.set(step.label, id);
      if (step.deleted) deleteEvent(db, id);
    }
    const queue = followUp(tracker, AS_OF);
    expect(queue.awaiting.map((c) => c.id).sort((a, b) => a - b)).toEqual(expected.map((label) => ids.get(label)!).sort((a, b) => a - b));
    expect(queue.awaiting.every((c) => c.institutionSlug === body.slug && c.institutionName === 'Borsetshire Police')).toBe(true);
    // The institutions without comment are exactly those with an approach awaiting a reply.
    expect(queue.silent.map((i) => i.slug)).toEqual(expected.length > 0 ? [body.slug] : []);
  });

  it('gives what the queue shows of each approach', async () => {
    const { tracker, db } = await freshTracker();
    const body = institution(db, { name: 'Borsetshire Police' });
    const id = contact(db, body, { date: '2021-04-23', time: '09:15', channel: 'letter', from: 'Fixture Coalition', summary: 'Asked them to close the scheme', dueOn: '2021-05-10' });
    const [row, ...rest] = followUp(tracker, instantOf('2021-05-06', '11:30')).awaiting;
    expect(rest).toEqual([]);
    expect(row).toEqual({
      id,
      institutionId: body.id,
      institutionSlug: body.slug,
      institutionName: 'Borsetshire Police',
      occurredAt: instantOf('2021-04-23', '09:15'),
      date: '2021-04-23',
      channel: 'letter',
      fromName: 'Fixture Coalition',
      summary: 'Asked them to close the scheme',
      dueOn: '2021-05-10',
      overdue: false,
      lateOn: null,
      longOverdueOn: null,
      daysWaiting: 13,
    });
  });
});

describe('which approaches are overdue', () => {
  // Overdue from the day after the reply due date, that day counted in London time.
  it.each<[string, LondonDate, LondonDate | null, number, boolean]>([
    ['on the due date itself (BST)', '2021-04-23', '2021-05-10', instantOf('2021-05-10', '12:00'), false],
    ['at the last minute of the due date (BST)', '2021-04-23', '2021-05-10', instantOf('2021-05-10', '23:59'), false],
    ['at midnight after the due date (BST)', '2021-04-23', '2021-05-10', instantOf('2021-05-11', '00:00'), true],
    ['at 00:30 London time the next day, still the due date in UTC', '2021-04-23', '2021-05-10', Date.parse('2021-05-10T23:30:00Z'), true],
    ['at 23:59:59 London time on the due date, 22:59:59 in UTC (BST)', '2021-04-23', '2021-05-10', Date.parse('2021-05-10T22:59:59Z'), false],
    ['at the last second of the due date (GMT)', '2021-01-04', '2021-01-18', Date.parse('2021-01-18T23:59:59Z'), false],
    ['at midnight after the due date (GMT)', '2021-01-04', '2021-01-18', Date.parse('2021-01-19T00:00:00Z'), true],
    ['weeks after the due date', '2021-01-04', '2021-01-18', instantOf('2021-03-01', '09:00'), true],
    ['never, without a due date', '2021-01-04', null, instantOf('2026-11-22', '12:00'), false],
  ])('%s', async (_name, date, dueOn, asOf, overdue) => {
    const { tracker, db } = await freshTracker();
    const id = contact(db, institution(db), { date, dueOn });
    const awaiting = followUp(tracker, asOf).awaiting;
    expect(awaiting.map((c) => [c.id, c.dueOn, c.overdue])).toEqual([[id, dueOn, overdue]]);
  });
});

describe('the order of the approaches awaiting a reply', () => {
  it('puts the overdue first, longest overdue at the top, then the rest by due date, ties by id, no due date last', async () => {
    const { tracker, db } = await freshTracker();
    const body = (name: string) => institution(db, { name });
    // Logged in an order unlike the answer's, so that the order comes from the rules.
    const e = contact(db, body('Echo Trust'), { date: '2021-06-01', dueOn: '2021-06-15' });
    const f = contact(db, body('Foxtrot Trust'), { date: '2021-05-01', dueOn: null });
    const g = contact(db, body('Golf Trust'), { date: '2021-05-17', dueOn: '2021-05-31' });
    const c = contact(db, body('Charlie Trust'), { date: '2021-05-07', dueOn: '2021-05-20' });
    const d = contact(db, body('Delta Trust'), { date: '2021-05-18', dueOn: '2021-06-01' });
    const b = contact(db, body('Bravo Trust'), { date: '2021-05-06', dueOn: '2021-05-20' });
    const a = contact(db, body('Alpha Trust'), { date: '2021-04-23', dueOn: '2021-05-10' });
    const awaiting = followUp(tracker, instantOf('2021-06-01', '12:00')).awaiting;
    // Charlie and Bravo are due the same day: Charlie was logged first (lower id), though approached later.
    expect(awaiting.map((x) => x.id)).toEqual([a, c, b, g, d, e, f]);
    expect(awaiting.map((x) => x.overdue)).toEqual([true, true, true, true, false, false, false]);
    expect(awaiting.map((x) => [x.lateOn, x.longOverdueOn])).toEqual([
      ['2021-05-11', '2021-05-25'],
      ['2021-05-21', null],
      ['2021-05-21', null],
      ['2021-06-01', null],
      [null, null],
      [null, null],
      [null, null],
    ]);
  });

  it('puts a long overdue approach before a late one due earlier', async () => {
    const { tracker, db } = await freshTracker();
    // An FOI request due on 10 May (20 working days), only late on 1 June; an email due on 12 May
    // (9 working days: Monday 3 May was a bank holiday), long overdue since 26 May.
    const foi = contact(db, institution(db, { name: 'Alpha Police' }), { date: '2021-04-09', channel: 'foi', dueOn: '2021-05-10' });
    const email = contact(db, institution(db, { name: 'Bravo Trust' }), { date: '2021-04-28', channel: 'email', dueOn: '2021-05-12' });
    const awaiting = followUp(tracker, instantOf('2021-06-01', '12:00')).awaiting;
    expect(awaiting.map((x) => [x.id, x.lateOn, x.longOverdueOn])).toEqual([
      [email, '2021-05-13', '2021-05-26'],
      [foi, '2021-05-11', null],
    ]);
  });

  it(`keeps the ${QUEUE_LIMIT} soonest due, dropping the latest due`, async () => {
    const { tracker, db } = await freshTracker();
    const body = institution(db);
    const ids: number[] = [];
    db.transaction(() => {
      // Due dates 1 June 2021 onwards, one a day, logged latest due first.
      for (let i = QUEUE_LIMIT; i >= 0; i--) {
        const due = new Date(Date.UTC(2021, 5, 1 + i)).toISOString().slice(0, 10);
        ids.unshift(contact(db, body, { date: '2021-05-01', dueOn: due }));
      }
    });
    const awaiting = followUp(tracker, instantOf('2021-05-20', '12:00')).awaiting;
    expect(awaiting).toHaveLength(QUEUE_LIMIT);
    expect(awaiting.map((x) => x.id)).toEqual(ids.slice(0, QUEUE_LIMIT));
  });
});

describe('how many days each approach has waited', () => {
  it.each<[string, LondonDate, number, number]>([
    ['the worked example: 23 April to 11:30 on 6 May 2021', '2021-04-23', instantOf('2021-05-06', '11:30'), 13],
    ['none on the day of the approach', '2021-04-23', instantOf('2021-04-23', '23:59'), 0],
    ['one at 00:30 London time the next day (BST), though still the same day in UTC', '2021-04-23', Date.parse('2021-04-23T23:30:00Z'), 1],
    ['two across the spring clock change', '2021-03-27', instantOf('2021-03-29', '00:00'), 2],
    ['two across the autumn clock change', '2021-10-30', instantOf('2021-11-01', '00:00'), 2],
    ['one across the new year (GMT)', '2020-12-31', Date.parse('2021-01-01T00:00:00Z'), 1],
  ])('%s', async (_name, date, asOf, days) => {
    const { tracker, db } = await freshTracker();
    contact(db, institution(db), { date });
    expect(followUp(tracker, asOf).awaiting.map((c) => c.daysWaiting)).toEqual([days]);
  });
});

describe('the institutions without comment', () => {
  it('lists those with outstanding approaches, longest first, ties by name, with their figures', async () => {
    const { tracker, db } = await freshTracker();
    const make = (name: string): MadeInstitution => institution(db, { name });
    const loxley = make('Loxley Barrett Police');
    const borsetshire = make('Borsetshire Police');
    const felpersham = make('Felpersham Trust');
    const ambridge = make('Ambridge Council');
    const hollerton = make('Hollerton Trust');
    make('Penny Hassett Council'); // never approached
    contact(db, loxley, { date: '2021-05-04' });
    contact(db, borsetshire, { date: '2021-04-23' });
    contact(db, borsetshire, { date: '2021-04-30' });
    contact(db, ambridge, { date: '2021-04-23' });
    contact(db, felpersham, { date: '2021-04-30' });
    response(db, felpersham, { date: '2021-05-04', responseType: 'acknowledgement' });
    contact(db, hollerton, { date: '2021-04-01' });
    response(db, hollerton, { date: '2021-04-15', responseType: 'statement' });

    const silent = followUp(tracker, instantOf('2021-05-06', '11:30')).silent;
    // 13 days since Friday 23 April (8 working days: Monday 3 May 2021 was a bank holiday);
    // 6 days since Friday 30 April (3 working days); 2 days since Tuesday 4 May (2 working days).
    expect(silent.map((i) => [i.name, i.silence])).toEqual([
      ['Ambridge Council', { since: '2021-04-23', calendarDays: 13, workingDays: 8, unansweredContacts: 1, lastContact: '2021-04-23', holidayListEndsOn: null }],
      ['Borsetshire Police', { since: '2021-04-23', calendarDays: 13, workingDays: 8, unansweredContacts: 2, lastContact: '2021-04-30', holidayListEndsOn: null }],
      ['Felpersham Trust', { since: '2021-04-30', calendarDays: 6, workingDays: 3, unansweredContacts: 1, lastContact: '2021-04-30', holidayListEndsOn: null }],
      ['Loxley Barrett Police', { since: '2021-05-04', calendarDays: 2, workingDays: 2, unansweredContacts: 1, lastContact: '2021-05-04', holidayListEndsOn: null }],
    ]);
  });

  it('is empty, as are the approaches and the drafts, when nothing has been logged', async () => {
    const { tracker, db } = await freshTracker();
    institution(db);
    expect(followUp(tracker, instantOf('2021-05-06', '11:30'))).toEqual({ awaiting: [], silent: [], drafts: [] });
  });
});

describe('the drafts waiting to be published', () => {
  it('lists every draft not deleted, newest first (ties by id, newest first), with its institution and sources', async () => {
    const { tracker, db } = await freshTracker();
    const body = institution(db, { name: 'Borsetshire Police' });
    const older = contact(db, body, { date: '2021-04-10', status: 'draft', summary: 'Draft approach' });
    const campaignWide = milestone(db, null, { date: '2021-05-01', status: 'draft', summary: 'Draft milestone', source: null });
    const sameDayFirst = response(db, body, { date: '2021-04-20', status: 'draft', summary: 'First draft reply' });
    const sameDaySecond = response(db, body, { date: '2021-04-20', status: 'draft', summary: 'Second draft reply', source: null });
    deleteEvent(db, response(db, body, { date: '2021-04-25', status: 'draft', summary: 'Deleted draft' }));
    contact(db, body, { date: '2021-04-26', summary: 'Published approach' });

    const drafts = followUp(tracker, instantOf('2021-05-06', '11:30')).drafts;
    expect(drafts).toEqual([
      { id: campaignWide, type: 'milestone', institutionName: null, date: '2021-05-01', summary: 'Draft milestone', createdBy: 'factory', sources: 0, fromEmail: 0 },
      { id: sameDaySecond, type: 'response', institutionName: 'Borsetshire Police', date: '2021-04-20', summary: 'Second draft reply', createdBy: 'factory', sources: 0, fromEmail: 0 },
      { id: sameDayFirst, type: 'response', institutionName: 'Borsetshire Police', date: '2021-04-20', summary: 'First draft reply', createdBy: 'factory', sources: 1, fromEmail: 0 },
      { id: older, type: 'contact', institutionName: 'Borsetshire Police', date: '2021-04-10', summary: 'Draft approach', createdBy: 'factory', sources: 1, fromEmail: 0 },
    ]);
  });

  it(`shows at most ${QUEUE_LIMIT}, the newest`, async () => {
    const { tracker, db } = await freshTracker();
    const body = institution(db);
    const ids: number[] = [];
    db.transaction(() => {
      for (let i = 0; i <= QUEUE_LIMIT; i++) ids.push(milestone(db, body, { date: '2021-05-01', status: 'draft' }));
    });
    const drafts = followUp(tracker, instantOf('2021-05-06', '11:30')).drafts;
    expect(drafts.map((d) => d.id)).toEqual(ids.slice(1).reverse());
  });
});
