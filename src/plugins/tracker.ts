/** Opens the database (migrating it, and loading the shipped data on first start) and the tracker. */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { openDatabase, openSnapshot, type Db } from '../db/client.js';
import { dataVersion as readDataVersion } from '../db/queries/events.js';
import { currentCalendar, holidaysToken } from '../records/holidays.js';
import { seedIfEmpty } from '../records/seed.js';
import { calendarState } from '../tracker/health.js';
import type { Tracker } from '../tracker/tracker.js';

declare module 'fastify' {
  interface FastifyInstance {
    tracker: Tracker;
    /** Reads the bank holiday list again (after holidays were added). */
    reloadCalendar: () => void;
  }
}

export interface TrackerOptions {
  databasePath: string;
  dataDir: string;
  baseUrl: string;
  /**
   * Once the app is ready, read the record from one read-only snapshot taken then, whatever is
   * written later (the static copy: every file at the same revision).
   */
  snapshot?: boolean;
}

export default fp(async function tracker(app: FastifyInstance, options: TrackerOptions) {
  const db = openDatabase(options.databasePath);
  app.addHook('onClose', async () => {
    db.$client.close();
  });
  const calendar = currentCalendar(db, options.dataDir);
  const outcome = seedIfEmpty(db, options.dataDir, calendar, app.now());
  if (outcome.seeded) {
    app.log.info(`Empty database: loaded ${outcome.institutions} institutions and ${outcome.events} documented events`);
  }
  const t: Tracker = { db, databasePath: options.databasePath, calendar, baseUrl: options.baseUrl };
  app.decorate('tracker', t);

  const state = calendarState(t, app.now());
  if (state.message) app.log.warn(state.message);

  if (options.snapshot && options.databasePath !== ':memory:') {
    // After every plugin has started (the session sweep writes), reads move to the snapshot for good.
    let snapshot: Db | null = null;
    app.addHook('onReady', async () => {
      snapshot = openSnapshot(options.databasePath);
      t.db = snapshot;
      t.calendar = currentCalendar(snapshot, options.dataDir);
    });
    app.addHook('onClose', async () => {
      snapshot?.$client.close();
    });
    app.decorate('reloadCalendar', () => {});
    return;
  }

  // Holidays added by another process (npm run import -- holidays) are seen on the next request:
  // SQLite's data_version changes only when another connection commits, so this is one pragma
  // per request and a count only after such a commit.
  let token = holidaysToken(db);
  let dataVersion = readDataVersion(db);
  const reload = () => {
    token = holidaysToken(db);
    t.calendar = currentCalendar(db, options.dataDir);
  };
  app.decorate('reloadCalendar', reload);
  app.addHook('onRequest', async () => {
    const version = readDataVersion(db);
    if (version === dataVersion) return;
    dataVersion = version;
    if (holidaysToken(db) !== token) reload();
  });
});
