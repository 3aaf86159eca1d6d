/** Opens the database (migrating it, and loading the shipped data on first start) and the tracker. */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { openDatabase } from '../db/client.js';
import { loadCalendar } from '../records/reference-data.js';
import { seedIfEmpty } from '../records/seed.js';
import type { Tracker } from '../tracker/tracker.js';

declare module 'fastify' {
  interface FastifyInstance {
    tracker: Tracker;
  }
}

export interface TrackerOptions {
  databasePath: string;
  dataDir: string;
  baseUrl: string;
}

export default fp(async function tracker(app: FastifyInstance, options: TrackerOptions) {
  const db = openDatabase(options.databasePath);
  app.addHook('onClose', async () => {
    db.$client.close();
  });
  const calendar = loadCalendar(options.dataDir);
  const outcome = seedIfEmpty(db, options.dataDir, calendar, app.now());
  if (outcome.seeded) {
    app.log.info(`Empty database: loaded ${outcome.institutions} institutions and ${outcome.events} documented events`);
  }
  app.decorate('tracker', { db, databasePath: options.databasePath, calendar, baseUrl: options.baseUrl });
});
