/**
 * Overdue tiers, explained: a contact is late the day after its reply due date and long overdue
 * once twice its reply window has passed, each with the day it was crossed, on the institution
 * and event pages, the follow-up queue, /changes, the API; and every due date can be explained.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importEventsCsv } from '../../src/records/csv-import.js';
import { contact, FIXTURE_DATA, institution, response, type MadeInstitution } from '../factories.js';
import { dom, makeApp, signedIn, words, type TestApp } from '../helpers.js';
import { instantOf } from '../../src/domain/calendar.js';

describe('overdue tiers as at 12:00 on 30 June 2021', () => {
  let t: TestApp;
  let board: MadeInstitution;
  let police: MadeInstitution;
  let trust: MadeInstitution;
  let email: number;
  let foi: number;
  let answered: number;
  const get = (url: string) => t.app.inject({ method: 'GET', url });
  const eventJson = async (id: number, asOf?: string) => (await get(`/api/events/${id}${asOf ? `?as_of=${asOf}` : ''}`)).json().event;

  beforeAll(async () => {
    t = await makeApp({ dataDir: FIXTURE_DATA, now: instantOf('2021-06-30', '12:00') });
    const db = t.app.tracker.db;
    board = institution(db, { name: 'National Scheme Board', kind: 'nhs_england' });
    police = institution(db, { name: 'Borsetshire Police', kind: 'police_force' });
    trust = institution(db, { name: 'Felpersham Trust', kind: 'mental_health_trust' });
    // Due 10 May (10 working days), long overdue from 25 May.
    email = contact(db, board, { date: '2021-04-23', channel: 'email', dueOn: '2021-05-10' });
    // FOI: due 24 May (20 working days), long overdue from 23 June (40 working days).
    foi = contact(db, police, { date: '2021-04-23', channel: 'foi', dueOn: '2021-05-24' });
    // Answered on 12 May, after it became late on 11 May: late, never long overdue.
    answered = contact(db, trust, { date: '2021-04-23', channel: 'email', dueOn: '2021-05-10' });
    response(db, trust, { date: '2021-05-12', responseType: 'statement' });
  });
  afterAll(async () => t.close());

  it('gives each contact the days it became late and long overdue in the API, as at the moment asked', async () => {
    expect(await eventJson(email)).toMatchObject({ dueOn: '2021-05-10', lateOn: '2021-05-11', longOverdueOn: '2021-05-25' });
    expect(await eventJson(foi)).toMatchObject({ dueOn: '2021-05-24', lateOn: '2021-05-25', longOverdueOn: '2021-06-23' });
    expect(await eventJson(answered)).toMatchObject({ dueOn: '2021-05-10', lateOn: '2021-05-11', longOverdueOn: null });
    // Earlier moments: not yet late; late but not yet long overdue.
    expect(await eventJson(email, '2021-05-10')).toMatchObject({ lateOn: null, longOverdueOn: null });
    expect(await eventJson(foi, '2021-06-22')).toMatchObject({ lateOn: '2021-05-25', longOverdueOn: null });
    // A response is never late.
    const timeline = (await get(`/api/timeline?institution=${trust.slug}`)).json().events;
    expect(timeline.find((e: { type: string }) => e.type === 'response')).toMatchObject({ lateOn: null, longOverdueOn: null });
  });

  it('gives the same days in the open data’s events spreadsheet, which still imports', async () => {
    const csv = (await get('/data/events.csv')).body;
    const rows = parse(csv, { columns: true, bom: true }) as Record<string, string>[];
    const contacts = rows.filter((r) => r.type === 'contact').map((r) => [r.institution, r.late_on, r.long_overdue_on]);
    expect(contacts).toEqual([
      [board.slug, '2021-05-11', '2021-05-25'],
      [police.slug, '2021-05-25', '2021-06-23'],
      [trust.slug, '2021-05-11', ''],
    ]);
    expect(rows.find((r) => r.type === 'response')).toMatchObject({ late_on: '', long_overdue_on: '' });
    const early = parse((await get('/data/events.csv?as_of=2021-05-11')).body, { columns: true, bom: true }) as Record<string, string>[];
    expect(early.filter((r) => r.type === 'contact').map((r) => r.late_on)).toEqual(['2021-05-11', '', '2021-05-11']);
    // The figures' columns are read and ignored by the import.
    const other = await makeApp({ dataDir: FIXTURE_DATA, now: instantOf('2021-06-30', '12:00') });
    for (const name of ['National Scheme Board', 'Borsetshire Police', 'Felpersham Trust']) institution(other.app.tracker.db, { name });
    const report = importEventsCsv(other.app.tracker.db, Buffer.from(csv), { calendar: other.app.tracker.calendar, now: instantOf('2021-06-30', '12:00'), createdBy: 'test', dryRun: true, actor: { userId: null, name: 'test' } });
    expect(report.problems).toEqual([]);
    expect(report.valid).toBe(rows.length);
    await other.close();
  });

  it('shows the tier on institution and event pages', async () => {
    const page = dom((await get(`/institutions/${board.slug}`)).body);
    expect(words(page.querySelector('.event-due'))).toBe('Reply due by 10 May 2021. Long overdue since 25 May 2021');
    const late = dom((await get(`/institutions/${trust.slug}`)).body);
    expect(words(late.querySelector('.event-due'))).toBe('Reply due by 10 May 2021. Late since 11 May 2021');
    const event = dom((await get(`/events/${foi}`)).body);
    expect(words(event.querySelector('.facts'))).toContain('Reply due by24 May 2021 Long overdue since 23 June 2021');
  });

  it('explains how the due date was worked out: each working day counted, each weekend day and bank holiday skipped', async () => {
    const doc = dom((await get(`/events/${foi}`)).body);
    const details = doc.querySelector('details.due-explained')!;
    expect(words(details.querySelector('summary'))).toBe('How the reply due date was worked out');
    expect(words(details.querySelector('p'))).toBe(
      'The reply is due on the 20th working day after the approach (23 April 2021), which is day 0: an FOI request must be answered within 20 working days (Freedom of Information Act 2000, section 10). Working days are Monday to Friday, except bank holidays in England and Wales. 11 days were skipped.',
    );
    const rows = [...details.querySelectorAll('tbody tr')].map((r) => [words(r.querySelector('th')), words(r.querySelector('td'))]);
    expect(rows).toHaveLength(31);
    expect(rows[0]).toEqual(['Saturday 24 April 2021', 'Skipped: Saturday']);
    expect(rows[2]).toEqual(['Monday 26 April 2021', 'Working day 1']);
    expect(rows.find((r) => r[0] === 'Monday 3 May 2021')).toEqual(['Monday 3 May 2021', 'Skipped: Early May bank holiday']);
    expect(rows[30]).toEqual(['Monday 24 May 2021', 'Working day 20']);
    // A response has no due date to explain.
    const responseId = (await get(`/api/timeline?institution=${trust.slug}&type=response`)).json().events[0].id;
    expect(dom((await get(`/events/${responseId}`)).body).querySelector('details.due-explained')).toBeNull();
  });

  it('puts the long overdue first in the follow-up queue, with the day each tier was crossed', async () => {
    const { client } = await signedIn(t, 'editor');
    const doc = dom((await client.get('/admin')).body);
    const rows = [...doc.querySelectorAll('table.awaiting tbody tr')].map((r) => [words(r.querySelector('th')), words(r.querySelector('[data-label="Reply due"]'))]);
    expect(rows).toEqual([
      ['National Scheme Board', '10 May 2021 Long overdue since 25 May 2021'],
      ['Borsetshire Police', '24 May 2021 Long overdue since 23 June 2021'],
    ]);
  });

  it('lists on /changes what became late and what became long overdue in the period', async () => {
    const doc = dom((await get('/changes?from=2021-05-20&to=2021-05-31')).body);
    const section = (heading: string) => {
      const h = [...doc.querySelectorAll('h2')].find((x) => words(x).startsWith(heading))!;
      return { heading: words(h), items: [...(h.nextElementSibling?.querySelectorAll('li') ?? [])].map(words) };
    };
    expect(section('Became long overdue')).toEqual({
      heading: 'Became long overdue (1)',
      items: ['National Scheme Board: the approach of 23 April 2021, due by 10 May 2021, became long overdue on 25 May 2021'],
    });
    expect(section('Became late')).toEqual({
      heading: 'Became late (1)',
      items: ['Borsetshire Police: the approach of 23 April 2021, due by 24 May 2021, became late on 25 May 2021'],
    });
    const json = (await get('/changes.json?from=2021-05-20&to=2021-06-30')).json();
    expect(json.becameLongOverdue).toEqual([
      { institution: { slug: board.slug, name: 'National Scheme Board' }, eventId: email, date: '2021-04-23', dueOn: '2021-05-10', on: '2021-05-25' },
      { institution: { slug: police.slug, name: 'Borsetshire Police' }, eventId: foi, date: '2021-04-23', dueOn: '2021-05-24', on: '2021-06-23' },
    ]);
    expect(json.becameLate.map((c: { eventId: number }) => c.eventId)).toEqual([foi]);
    // The trust's approach became late on 11 May, before the period.
    const may = (await get('/changes.json?from=2021-05-10&to=2021-05-11')).json();
    expect(may.becameLate.map((c: { eventId: number }) => c.eventId).sort()).toEqual([email, answered].sort());
  });
});
