/**
 * First start: on an empty database, load the campaign, the reference directory and the
 * documented events from `data/`, all in one transaction. A database that holds anything is
 * never touched.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { asks, campaign, events, institutions } from '../db/schema.js';
import type { WorkingCalendar } from '../domain/calendar.js';
import { DEFAULT_REPLY_WINDOWS } from '../domain/reply-due.js';
import { DEFAULT_STALE_AFTER_DAYS } from '../domain/campaign-end.js';
import { describeError, importEventsCsv } from './csv-import.js';
import { insertInstitutions } from './institutions.js';
import { Revision, syncCampaign, syncInstitutions } from './revisions.js';
import { eventsFileOf, loadCampaignFile, loadDirectory } from './reference-data.js';

export type SeedOutcome = { seeded: false } | { seeded: true; institutions: number; events: number };

export function databaseIsEmpty(db: Db): boolean {
  const count = (table: typeof campaign | typeof institutions | typeof events) =>
    db.select({ n: sql<number>`count(*)` }).from(table).get()!.n;
  return count(campaign) === 0 && count(institutions) === 0 && count(events) === 0;
}

export function seedIfEmpty(db: Db, dataDir: string, calendar: WorkingCalendar, now: number): SeedOutcome {
  if (!databaseIsEmpty(db)) return { seeded: false };
  const file = loadCampaignFile(dataDir);
  const directory = loadDirectory(dataDir);
  const eventsName = eventsFileOf(file);
  const eventsFile = path.join(dataDir, eventsName);
  // A campaign may start with no documented events.
  const eventsCsv = fs.existsSync(eventsFile) ? fs.readFileSync(eventsFile) : null;
  return db.transaction((tx) => {
    tx.insert(campaign)
      .values({
        id: 1,
        title: file.title,
        summary: file.summary,
        website: file.website ?? null,
        replyWindowDefault: file.replyWindowWorkingDays?.default ?? DEFAULT_REPLY_WINDOWS.default,
        replyWindowFoi: file.replyWindowWorkingDays?.foi ?? DEFAULT_REPLY_WINDOWS.foi,
        endedOn: file.endedOn ?? null,
        outcome: file.outcome?.text ?? null,
        outcomeSources: JSON.stringify(file.outcome?.sources ?? []),
        staleAfterDays: file.staleAfterDays ?? DEFAULT_STALE_AFTER_DAYS,
      })
      .run();
    tx.insert(asks).values(file.asks.map((a, i) => ({ ...a, sortOrder: i }))).run();
    const ids = insertInstitutions(tx, directory, now);
    // The first revision of the public record: the campaign, the directory and the documented events.
    const revision = new Revision(tx, { userId: null, name: 'the shipped data' }, 'record.load', now);
    syncCampaign(tx, revision);
    syncInstitutions(tx, ids, revision);
    if (eventsCsv === null) return { seeded: true as const, institutions: directory.length, events: 0 };
    const result = importEventsCsv(db, eventsCsv, { calendar, now, createdBy: 'documented events', revision });
    if (result.problemCount > 0) {
      throw new Error(`${eventsName} has bad rows:\n${result.problems.map(describeError).join('\n')}`);
    }
    return { seeded: true as const, institutions: directory.length, events: result.written };
  });
}
