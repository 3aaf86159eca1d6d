/**
 * The record's token read whole (`recordToken`, as the app reads it for each request) and read in
 * two parts (`recordTokenWith`: the mark of other connections' commits, read once per turn by the
 * fast lane, and this connection's own writes, counted for each request) agree, on a real SQLite
 * file written through the app's connection and through another.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { othersCommitted, recordToken, recordTokenWith } from '../../src/tracker/tracker.js';
import { contact, institution, milestone } from '../factories.js';
import { makeApp, type TestApp } from '../helpers.js';

let t: TestApp;
afterEach(() => t.close());

const WRITES = {
  'a write through this connection': (app: TestApp) => contact(app.app.tracker.db, institution(app.app.tracker.db, { name: 'Own Write Trust' }), { date: '2026-11-02' }),
  'a commit by another connection': (app: TestApp) => {
    const other = openDatabase(app.databasePath);
    try {
      milestone(other, institution(other, { name: 'Other Connection Trust' }), { date: '2026-11-03' });
    } finally {
      other.$client.close();
    }
  },
};

describe('the record token in two parts', () => {
  it.each([
    ['a write through this connection', true],
    ['a commit by another connection', false],
  ] as const)('after %s: changes, and the mark read before still gives the token now: %s', async (write, stillGood) => {
    t = await makeApp();
    const tracker = t.app.tracker;
    const before = recordToken(tracker);
    const markBefore = othersCommitted(tracker);
    expect(recordTokenWith(tracker, markBefore)).toBe(before);
    WRITES[write](t);
    const after = recordToken(tracker);
    expect(after).not.toBe(before);
    expect(recordTokenWith(tracker, othersCommitted(tracker))).toBe(after);
    // This connection's writes are counted when the token is made; another's only by a new mark.
    expect(recordTokenWith(tracker, markBefore) === after).toBe(stillGood);
  });

  it('is unchanged while nothing is written', async () => {
    t = await makeApp();
    const tracker = t.app.tracker;
    const mark = othersCommitted(tracker);
    expect([recordToken(tracker), recordTokenWith(tracker, mark)]).toEqual([recordToken(tracker), recordToken(tracker)]);
  });
});
