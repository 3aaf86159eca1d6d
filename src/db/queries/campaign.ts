import { asc } from 'drizzle-orm';
import type { Db } from '../client.js';
import { asks, campaign } from '../schema.js';

export function campaignRow(db: Db) {
  return db.select().from(campaign).get() ?? null;
}

export function askRows(db: Db) {
  return db.select().from(asks).orderBy(asc(asks.sortOrder), asc(asks.id)).all();
}

/** True once the database answers and its migrations are applied. */
export function databaseIsReady(db: Db): boolean {
  return db.$client.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() !== undefined;
}
