/**
 * The scorecard's figures come from SQL that pre-reduces the events; these tests hold that SQL
 * to the domain rules, over random histories on a real SQLite file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import { openDatabase, type Db } from '../../src/db/client.js';
import { addDays, endOfLondonDay, instantOf } from '../../src/domain/calendar.js';
import type { HistoryEvent } from '../../src/domain/history.js';
import { currentPositions, type PositionStatement } from '../../src/domain/positions.js';
import { silence } from '../../src/domain/silence.js';
import { RESPONSE_TYPES, STANCES, type EventStatus, type ResponseType, type Stance } from '../../src/domain/vocabulary.js';
import { importEventsCsv } from '../../src/records/csv-import.js';
import { insertEvent } from '../../src/records/events.js';
import { loadCalendar } from '../../src/records/reference-data.js';
import { seedIfEmpty } from '../../src/records/seed.js';
import { institutionsAsAt, type Tracker } from '../../src/tracker/tracker.js';
import { tempDir, TEST_NOW } from '../helpers.js';

const DATA = path.join(PROJECT_ROOT, 'data');
const calendar = loadCalendar(DATA);
let dir: string;
let db: Db;
let tracker: Tracker;

beforeAll(() => {
  dir = tempDir();
  db = openDatabase(path.join(dir, 'tracker.db'));
  seedIfEmpty(db, DATA, calendar, TEST_NOW);
  tracker = { db, databasePath: path.join(dir, 'tracker.db'), calendar, baseUrl: 'https://tracker.example.org' };
});
afterAll(() => {
  db.$client.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function random(seed: number) {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
}

describe('figures from SQL agree with the domain rules', () => {
  it('for silence and positions over random histories, as at many moments', () => {
    const rnd = random(7);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
    const ids = (db.$client.prepare("SELECT id FROM institutions WHERE kind = 'police_force' LIMIT 25").all() as { id: number }[]).map((r) => r.id);
    const asks = db.$client.prepare('SELECT id, slug FROM asks').all() as { id: number; slug: string }[];
    const history = new Map<number, (HistoryEvent & { stances: Record<string, Stance> })[]>(ids.map((id) => [id, []]));

    db.transaction((tx) => {
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
        history.get(institutionId)!.push({ id, type, responseType, status, occurredAt: instantOf(date, time), date, stances });
      }
    });

    const moments = [instantOf('2021-03-19'), instantOf('2021-03-25', '09:00'), instantOf('2021-03-25', '09:00') - 1, endOfLondonDay('2021-04-10'), instantOf('2021-04-28', '01:30'), endOfLondonDay('2021-06-30'), TEST_NOW];
    let compared = 0;
    for (const asOf of moments) {
      const views = new Map(institutionsAsAt(tracker, asOf).map((v) => [v.id, v]));
      for (const id of ids) {
        const events = history.get(id)!;
        const view = views.get(id)!;
        expect(view.silence, `institution ${id} as at ${new Date(asOf).toISOString()}`).toEqual(silence(events, asOf, calendar));
        const statements: PositionStatement[] = events.flatMap((e) => Object.entries(e.stances).map(([ask, stance]) => ({ ...e, ask, stance })));
        expect(view.positions).toEqual(currentPositions(statements, asks.map((a) => a.slug), asOf));
        expect(view.involved).toBe(events.some((e) => e.status === 'published' && e.occurredAt <= asOf));
        compared++;
      }
    }
    expect(compared).toBe(moments.length * ids.length);
  });
});

describe('figures as at now', () => {
  it('change as soon as an event is added, even from another connection', () => {
    const before = institutionsAsAt(tracker, TEST_NOW).find((i) => i.slug === 'wiltshire-police')!;
    expect(before.silence).toBeNull();
    const other = openDatabase(path.join(dir, 'tracker.db'));
    const result = importEventsCsv(other, 'institution,date,type,channel,summary,source_title\nwiltshire,2026-11-02,contact,email,Asked Wiltshire Police about SIM,Email\n', {
      calendar, now: TEST_NOW, createdBy: 'test',
    });
    other.$client.close();
    expect(result.problems).toEqual([]);
    const after = institutionsAsAt(tracker, TEST_NOW).find((i) => i.slug === 'wiltshire-police')!;
    expect(after.silence).toMatchObject({ since: '2026-11-02', calendarDays: 20, unansweredContacts: 1 });
  });

  it('move on with the date', () => {
    const today = institutionsAsAt(tracker, TEST_NOW).find((i) => i.slug === 'wiltshire-police')!;
    const tomorrow = institutionsAsAt(tracker, TEST_NOW + 86_400_000).find((i) => i.slug === 'wiltshire-police')!;
    expect(tomorrow.silence!.calendarDays).toBe(today.silence!.calendarDays + 1);
  });
});
