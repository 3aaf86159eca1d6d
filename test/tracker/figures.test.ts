/**
 * The scorecard's figures come from SQL that pre-reduces the events; these tests hold that SQL
 * to the domain rules, over random histories on a real SQLite file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openDatabase, type Db } from '../../src/db/client.js';
import { addDays, endOfLondonDay, instantOf } from '../../src/domain/calendar.js';
import type { HistoryEvent } from '../../src/domain/history.js';
import { currentPositions, ladderOverTime, type PositionStatement } from '../../src/domain/positions.js';
import { silence } from '../../src/domain/silence.js';
import { RESPONSE_TYPES, STANCES, type EventStatus, type ResponseType, type Stance } from '../../src/domain/vocabulary.js';
import { importEventsCsv } from '../../src/records/csv-import.js';
import { insertEvent, writeDetails } from '../../src/records/events.js';
import { setEventDeleted } from '../../src/records/log-events.js';
import { loadCalendar } from '../../src/records/reference-data.js';
import { Revision, syncEvent } from '../../src/records/revisions.js';
import { seedIfEmpty } from '../../src/records/seed.js';
import { positionsOverTime, weekEnds } from '../../src/tracker/charts.js';
import { activityAsAt, campaignView, institutionsAsAt, now, positionStatementsByInstitution, type At, type Tracker } from '../../src/tracker/tracker.js';
import { FIXTURE_DATA, institution, response, type MadeInstitution } from '../factories.js';
import { tempDir, TEST_NOW } from '../helpers.js';

const calendar = loadCalendar(FIXTURE_DATA);

/** A database of the test's own, seeded with the fixture campaign (its asks, an empty directory), removed when the test ends. */
function freshTracker(): { db: Db; dir: string; tracker: Tracker } {
  const dir = tempDir();
  const databasePath = path.join(dir, 'tracker.db');
  const db = openDatabase(databasePath);
  seedIfEmpty(db, FIXTURE_DATA, calendar, TEST_NOW);
  onTestFinished(() => {
    db.$client.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { db, dir, tracker: { db, databasePath, calendar, baseUrl: 'https://tracker.example.org' } };
}

function random(seed: number) {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
}

describe('figures from SQL agree with the domain rules', () => {
  it('for silence and positions over random histories, as at many moments', () => {
    const { db, tracker } = freshTracker();
    const rnd = random(7);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
    const kinds = ['police_force', 'mental_health_trust', 'icb', 'nhs_england', 'other'] as const;
    const made = Array.from({ length: 25 }, (_, i) => institution(db, { name: `Random Body ${i + 1}`, kind: kinds[i % kinds.length] }));
    // Institutions no event ever names: their figures are those of an empty history.
    const quiet = Array.from({ length: 3 }, (_, i) => institution(db, { name: `Quiet Body ${i + 1}`, kind: 'police_force' }));
    const ids = made.map((m) => m.id);
    const compareIds = [...ids, ...quiet.map((q) => q.id)];
    const asks = db.$client.prepare('SELECT id, slug FROM asks').all() as { id: number; slug: string }[];
    expect(asks.map((a) => a.slug).sort()).toEqual(['halt', 'review']);
    const history = new Map<number, (HistoryEvent & { stances: Record<string, Stance> })[]>(compareIds.map((id) => [id, []]));

    db.transaction((tx) => {
      // One revision of the public record, as an import makes.
      const revision = new Revision(tx, { userId: null, name: 'test' }, 'import.events', TEST_NOW);
      for (let i = 0; i < 1500; i++) {
        const institutionId = pick(ids);
        // Few distinct days and times, so that ties at the same instant are common.
        const date = addDays('2021-03-20', Math.floor(rnd() * 60));
        const time = rnd() < 0.5 ? null : pick(['00:00', '09:00', '09:00', '23:59', '01:30']);
        const roll = rnd();
        const type = roll < 0.5 ? 'contact' : roll < 0.9 ? 'response' : 'milestone';
        const responseType: ResponseType | null = type === 'response' ? pick(RESPONSE_TYPES) : null;
        const status: EventStatus = rnd() < 0.85 ? 'published' : 'draft';
        const stances: Record<string, Stance> = {};
        if (type !== 'contact') for (const a of asks) if (rnd() < 0.3) stances[a.slug] = pick(STANCES);
        const id = insertEvent(tx, {
          type, institutionId, date, time, channel: type === 'contact' ? 'email' : null, fromName: null, responseType, answersEventId: null,
          summary: `event ${i}`, quote: null, dueOn: null, status,
          positions: Object.entries(stances).map(([slug, stance]) => ({ askId: asks.find((a) => a.slug === slug)!.id, stance })),
          sources: [], createdBy: 'test',
        }, TEST_NOW);
        syncEvent(tx, id, revision);
        history.get(institutionId)!.push({ id, type, responseType, status, occurredAt: instantOf(date, time), date, stances });
      }
    });
    // Every one of the 25 has a history, and the random histories hold every kind of event.
    expect(ids.every((id) => history.get(id)!.length > 0)).toBe(true);
    const all = [...history.values()].flat();
    expect(new Set(all.map((e) => e.responseType ?? e.type))).toEqual(new Set(['contact', 'milestone', ...RESPONSE_TYPES]));
    expect(new Set(all.map((e) => e.status))).toEqual(new Set(['published', 'draft']));

    const moments = [instantOf('2021-03-19'), instantOf('2021-03-25', '09:00'), instantOf('2021-03-25', '09:00') - 1, endOfLondonDay('2021-04-10'), instantOf('2021-04-28', '01:30'), endOfLondonDay('2021-06-30'), TEST_NOW];
    let compared = 0;
    let silent = 0;
    let stated = 0;
    for (const asOf of moments) {
      const views = new Map(institutionsAsAt(tracker, now(tracker, asOf)).map((v) => [v.id, v]));
      expect(views.size).toBe(compareIds.length);
      for (const id of compareIds) {
        const events = history.get(id)!;
        const view = views.get(id)!;
        const expected = silence(events, asOf, calendar);
        expect(view.silence, `institution ${id} as at ${new Date(asOf).toISOString()}`).toEqual(expected);
        const statements: PositionStatement[] = events.flatMap((e) => Object.entries(e.stances).map(([ask, stance]) => ({ ...e, ask, stance })));
        const positions = currentPositions(statements, asks.map((a) => a.slug), asOf);
        expect(view.positions).toEqual(positions);
        expect(view.involved).toBe(events.some((e) => e.status === 'published' && e.occurredAt <= asOf));
        if (expected !== null) silent++;
        if (Object.values(positions).some((p) => p.stance !== 'none')) stated++;
        compared++;
      }
    }
    expect(compared).toBe(moments.length * compareIds.length);
    // The comparison saw silences and stated positions, not only empty figures.
    expect(silent).toBeGreaterThan(0);
    expect(stated).toBeGreaterThan(0);
    for (const q of quiet) {
      const view = institutionsAsAt(tracker, now(tracker, TEST_NOW)).find((v) => v.id === q.id)!;
      expect(view).toMatchObject({ silence: null, involved: false, positions: { halt: { stance: 'none' }, review: { stance: 'none' } } });
    }
  });
});

/** Positions over time as `ladderOverTime` counts them from every statement at once. */
function overTimeByTheRule(t: Tracker, at: At) {
  const since = new Map(activityAsAt(t, at).map((a) => [a.institutionId, a.firstActivityAt]));
  if (since.size === 0) return [];
  const statements = [...positionStatementsByInstitution(t, at).values()].flat();
  return ladderOverTime(statements, since, campaignView(t, at).asks.map((a) => a.slug), weekEnds(Math.min(...since.values()), at.asOf));
}

describe('figures as at now, kept and brought up to date revision by revision', () => {
  it('agree after every change with the figures read afresh: events added, corrected, moved, restated, deleted and restored', () => {
    const { db, tracker } = freshTracker();
    const rnd = random(11);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
    const bodies = Array.from({ length: 8 }, (_, i) => institution(db, { name: `Kept Body ${i + 1}` }));
    const asks = db.$client.prepare('SELECT id, slug FROM asks').all() as { id: number; slug: string }[];
    const actor = { userId: null, name: 'test' };
    const events: number[] = [];
    const deleted = new Set<number>();
    const at = () => now(tracker, TEST_NOW);
    const earlier = () => now(tracker, endOfLondonDay('2026-10-15'));
    // What a tracker with nothing kept reads: the same database, read afresh.
    const afresh = () => ({ ...tracker });
    const stances = () => (rnd() < 0.6 ? asks.filter(() => rnd() < 0.5).map((a) => ({ askId: a.id, stance: pick(STANCES) })) : []);
    const operations = {
      add: () => {
        const type = pick(['contact', 'response', 'response', 'milestone'] as const);
        db.transaction((tx) => {
          const id = insertEvent(tx, {
            type, institutionId: pick(bodies).id, date: addDays('2026-09-01', Math.floor(rnd() * 80)), time: rnd() < 0.5 ? null : '10:30',
            channel: type === 'contact' ? 'email' : null, fromName: null, responseType: type === 'response' ? pick(RESPONSE_TYPES) : null,
            answersEventId: null, summary: `event ${events.length}`, quote: null, dueOn: null, status: 'published',
            positions: type === 'contact' ? [] : stances(), sources: [{ title: 'A source', url: null, publisher: null, publishedOn: null }], createdBy: 'test',
          }, TEST_NOW);
          syncEvent(tx, id, new Revision(tx, actor, 'event.create', TEST_NOW, null, id));
          events.push(id);
        });
      },
      // A correction of its date, its institution (moved: both institutions change) or its positions.
      correct: () => {
        const id = pick(events.filter((e) => !deleted.has(e)));
        db.transaction((tx) => {
          const roll = rnd();
          if (roll < 0.4) {
            const date = addDays('2026-09-01', Math.floor(rnd() * 80));
            db.$client.prepare('UPDATE events SET occurred_on = ?, occurred_at = ? WHERE id = ?').run(date, instantOf(date), id);
          } else if (roll < 0.7) {
            db.$client.prepare('UPDATE events SET institution_id = ? WHERE id = ?').run(pick(bodies).id, id);
          } else {
            const type = (db.$client.prepare('SELECT type FROM events WHERE id = ?').get(id) as { type: string }).type;
            writeDetails(tx, id, { positions: type === 'contact' ? [] : stances(), sources: [{ title: 'A source', url: null, publisher: null, publishedOn: null }] });
          }
          syncEvent(tx, id, new Revision(tx, actor, 'event.update', TEST_NOW, 'A correction.', id));
        });
      },
      remove: () => {
        const id = pick(events.filter((e) => !deleted.has(e)));
        expect(setEventDeleted(db, id, true, 'Logged twice.', actor, TEST_NOW).ok).toBe(true);
        deleted.add(id);
      },
      restore: () => {
        const id = pick([...deleted]);
        expect(setEventDeleted(db, id, false, null, actor, TEST_NOW).ok).toBe(true);
        deleted.delete(id);
      },
    };
    for (let i = 0; i < 10; i++) operations.add();
    institutionsAsAt(tracker, at());
    institutionsAsAt(tracker, earlier());
    for (let step = 0; step < 120; step++) {
      const roll = rnd();
      const done = roll < 0.4 ? 'add' : roll < 0.75 ? 'correct' : roll < 0.9 || deleted.size === 0 ? 'remove' : 'restore';
      operations[done]();
      // Sometimes several revisions come between two readings.
      if (rnd() < 0.3) continue;
      expect(institutionsAsAt(tracker, at()), `after ${done} (step ${step})`).toEqual(institutionsAsAt(afresh(), at()));
      expect(positionsOverTime(tracker, at()), `after ${done} (step ${step})`).toEqual(positionsOverTime(afresh(), at()));
      // Kept week by week, they are what the rule counts from every statement.
      expect(positionsOverTime(tracker, at()), `after ${done} (step ${step}), by the rule`).toEqual(overTimeByTheRule(afresh(), at()));
      // And as at a moment before the latest event (the end of a campaign that ended, say), kept too.
      expect(institutionsAsAt(tracker, earlier()), `after ${done} (step ${step}), as at 15 October`).toEqual(institutionsAsAt(afresh(), earlier()));
      expect(positionsOverTime(tracker, earlier()), `after ${done} (step ${step}), as at 15 October`).toEqual(positionsOverTime(afresh(), earlier()));
      expect(positionsOverTime(tracker, earlier()), `after ${done} (step ${step}), as at 15 October, by the rule`).toEqual(overTimeByTheRule(afresh(), earlier()));
    }
    expect(deleted.size + events.length).toBeGreaterThan(40);
  });
});

describe('figures as at now', () => {
  /** An institution, and another whose statement of 2021 makes "now" later than the latest published event. */
  function setUp(): { db: Db; tracker: Tracker; body: MadeInstitution } {
    const fresh = freshTracker();
    const earlier = institution(fresh.db, { name: 'Earlier Trust', kind: 'mental_health_trust' });
    response(fresh.db, earlier, { date: '2021-05-06', responseType: 'statement', positions: { review: 'committed' } });
    const body = institution(fresh.db, { name: 'Wessex Constabulary', kind: 'police_force', code: 'wessex' });
    return { ...fresh, body };
  }

  it('change as soon as an event is added, even from another connection', () => {
    const { tracker, body } = setUp();
    const before = institutionsAsAt(tracker, now(tracker, TEST_NOW)).find((i) => i.slug === body.slug)!;
    expect(before.silence).toBeNull();
    expect(before.involved).toBe(false);
    const other = openDatabase(tracker.databasePath);
    const result = importEventsCsv(other, 'institution,date,type,channel,summary,source_title\nwessex,2026-11-02,contact,email,Asked Wessex Constabulary about the scheme,Email\n', {
      calendar, now: TEST_NOW, createdBy: 'test',
    });
    other.$client.close();
    expect(result.problems).toEqual([]);
    expect(result.written).toBe(1);
    const after = institutionsAsAt(tracker, now(tracker, TEST_NOW)).find((i) => i.slug === body.slug)!;
    // Approached on Monday 2 November 2026, as at Sunday 22 November: 20 days, 14 working days.
    expect(after.silence).toEqual({ since: '2026-11-02', calendarDays: 20, workingDays: 14, unansweredContacts: 1, lastContact: '2026-11-02', holidayListEndsOn: null });
    expect(after.involved).toBe(true);
  });

  it('move on with the date', () => {
    const { tracker, body, db } = setUp();
    const result = importEventsCsv(db, 'institution,date,type,channel,summary,source_title\nwessex,2026-11-02,contact,email,Asked Wessex Constabulary about the scheme,Email\n', {
      calendar, now: TEST_NOW, createdBy: 'test',
    });
    expect(result.written).toBe(1);
    const today = institutionsAsAt(tracker, now(tracker, TEST_NOW)).find((i) => i.slug === body.slug)!;
    const tomorrow = institutionsAsAt(tracker, now(tracker, TEST_NOW + 86_400_000)).find((i) => i.slug === body.slug)!;
    expect(today.silence).toMatchObject({ since: '2026-11-02', calendarDays: 20, workingDays: 14 });
    // Sunday 22 to Monday 23 November 2026: a day and a working day more.
    expect(tomorrow.silence).toMatchObject({ since: '2026-11-02', calendarDays: 21, workingDays: 15 });
    expect(tomorrow.silence!.calendarDays).toBe(today.silence!.calendarDays + 1);
  });
});
