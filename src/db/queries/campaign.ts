import { asc } from 'drizzle-orm';
import type { Db } from '../client.js';
import { asks, campaign } from '../schema.js';

export function campaignRow(db: Db) {
  return db.select().from(campaign).get() ?? null;
}

export function askRows(db: Db) {
  return db.select().from(asks).orderBy(asc(asks.sortOrder), asc(asks.id)).all();
}
