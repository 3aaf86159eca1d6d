/**
 * Revisions of the public record. The campaigners' working copy (events, institutions, asks,
 * campaign) changes in place; after each change, `sync…` compares the public state of what was
 * changed with its current public version and, when they differ, closes that version and writes
 * the new one, under a revision numbered the first time one is needed. A change that alters
 * nothing public (a draft edited, say) makes no revision. Callers run all of it in the
 * transaction of the change itself, with its audit row.
 */
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { anyPublishedIn, insertFirstEventVersions } from '../db/queries/event-writes.js';
import {
  askVersions,
  asks,
  campaign,
  campaignVersions,
  eventPositions,
  events,
  eventSources,
  eventVersionPositions,
  eventVersions,
  eventVersionSources,
  institutionAliases,
  institutions,
  institutionVersions,
  revisions,
} from '../db/schema.js';
import type { Actor } from './audit.js';
import type { Tx } from './events.js';

/** A revision about to be made: it gets its number only if some public material changes. */
export class Revision {
  private id: number | null = null;

  constructor(
    private readonly tx: Tx | Db,
    private readonly actor: Actor,
    private readonly action: string,
    private readonly at: number,
    /** The note shown to the public, for corrections and deletions of published material. */
    private readonly note: string | null = null,
    /** The event the change is about, when it is about one. */
    private readonly eventId: number | null = null,
  ) {}

  /** The revision's number, made on first use. */
  number(): number {
    if (this.id === null) {
      this.id = this.tx
        .insert(revisions)
        .values({ at: this.at, userId: this.actor.userId, actor: this.actor.name, action: this.action, note: this.note, eventId: this.eventId })
        .returning({ id: revisions.id })
        .get().id;
    }
    return this.id;
  }

  /** The revision's number if the change made one, else null. */
  get made(): number | null {
    return this.id;
  }
}

type EventState = Omit<typeof eventVersions.$inferInsert, 'versionId' | 'eventId' | 'revFrom' | 'revTo'>;

/** What the public sees of an event in the working copy: null for a draft or a deleted event. */
function workingEvent(tx: Tx | Db, eventId: number) {
  const row = tx.select().from(events).where(eq(events.id, eventId)).get();
  if (!row || row.status !== 'published' || row.deletedAt !== null) return null;
  const state: EventState = {
    type: row.type, institutionId: row.institutionId, occurredAt: row.occurredAt, occurredOn: row.occurredOn, hasTime: row.hasTime,
    channel: row.channel, fromName: row.fromName, responseType: row.responseType, answersEventId: row.answersEventId,
    summary: row.summary, quote: row.quote, dueOn: row.dueOn,
  };
  const positions = tx.select({ askId: eventPositions.askId, stance: eventPositions.stance }).from(eventPositions).where(eq(eventPositions.eventId, eventId)).orderBy(asc(eventPositions.askId)).all();
  const sources = tx
    .select({ title: eventSources.title, url: eventSources.url, publisher: eventSources.publisher, publishedOn: eventSources.publishedOn })
    .from(eventSources)
    .where(eq(eventSources.eventId, eventId))
    .orderBy(asc(eventSources.id))
    .all();
  return { state, positions, sources };
}

function currentEventVersion(tx: Tx | Db, eventId: number) {
  const version = tx.select().from(eventVersions).where(and(eq(eventVersions.eventId, eventId), isNull(eventVersions.revTo))).get();
  if (!version) return null;
  const { versionId, eventId: _e, revFrom: _f, revTo: _t, ...state } = version;
  const positions = tx
    .select({ askId: eventVersionPositions.askId, stance: eventVersionPositions.stance })
    .from(eventVersionPositions)
    .where(eq(eventVersionPositions.versionId, versionId))
    .orderBy(asc(eventVersionPositions.askId))
    .all();
  const sources = tx
    .select({ title: eventVersionSources.title, url: eventVersionSources.url, publisher: eventVersionSources.publisher, publishedOn: eventVersionSources.publishedOn })
    .from(eventVersionSources)
    .where(eq(eventVersionSources.versionId, versionId))
    .orderBy(asc(eventVersionSources.id))
    .all();
  return { versionId, public: { state, positions, sources } };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Brings an event's public versions in line with the working copy. */
export function syncEvent(tx: Tx | Db, eventId: number, revision: Revision): void {
  const working = workingEvent(tx, eventId);
  const current = currentEventVersion(tx, eventId);
  if (working === null && current === null) return;
  if (working !== null && current !== null && same(working, current.public)) return;
  const rev = revision.number();
  if (current) tx.update(eventVersions).set({ revTo: rev }).where(eq(eventVersions.versionId, current.versionId)).run();
  if (!working) return;
  const { versionId } = tx.insert(eventVersions).values({ eventId, revFrom: rev, ...working.state }).returning({ versionId: eventVersions.versionId }).get();
  if (working.positions.length > 0) tx.insert(eventVersionPositions).values(working.positions.map((p) => ({ versionId, ...p }))).run();
  if (working.sources.length > 0) tx.insert(eventVersionSources).values(working.sources.map((s) => ({ versionId, ...s }))).run();
}

/**
 * `syncEvent` of every event added after `afterId`, up to `lastId`, which have no version yet (an
 * import adds thousands, and calls this for each few thousand): the first version of each
 * published one, copied from the working copy in a few statements; no revision when every one is
 * a draft.
 */
export function syncNewEvents(db: Db, afterId: number, lastId: number, revision: Revision): void {
  if (anyPublishedIn(db, afterId, lastId)) insertFirstEventVersions(db, afterId, lastId, revision.number());
}

/** Brings an institution's public versions in line with the directory. */
export function syncInstitution(tx: Tx | Db, institutionId: number, revision: Revision): void {
  const row = tx.select().from(institutions).where(eq(institutions.id, institutionId)).get();
  const aliases = tx.select({ alias: institutionAliases.alias }).from(institutionAliases).where(eq(institutionAliases.institutionId, institutionId)).orderBy(asc(institutionAliases.id)).all();
  const current = tx.select().from(institutionVersions).where(and(eq(institutionVersions.institutionId, institutionId), isNull(institutionVersions.revTo))).get();
  const working = row
    ? {
        slug: row.slug, name: row.name, kind: row.kind, code: row.code, region: row.region, country: row.country, website: row.website,
        active: row.active, successorId: row.successorId, aliases: JSON.stringify(aliases.map((a) => a.alias)),
      }
    : null;
  if (working === null && !current) return;
  if (working !== null && current) {
    const { versionId: _v, institutionId: _i, revFrom: _f, revTo: _t, ...state } = current;
    if (same(working, state)) return;
  }
  const rev = revision.number();
  if (current) tx.update(institutionVersions).set({ revTo: rev }).where(eq(institutionVersions.versionId, current.versionId)).run();
  if (working) tx.insert(institutionVersions).values({ institutionId, revFrom: rev, ...working }).run();
}

/** Brings many institutions' public versions in line with the directory, in few queries. */
export function syncInstitutions(tx: Tx | Db, ids: number[], revision: Revision): void {
  if (ids.length === 0) return;
  // New institutions (the usual case for an import) have no version yet: written in one go.
  const versioned = new Set(tx.select({ id: institutionVersions.institutionId }).from(institutionVersions).where(inArray(institutionVersions.institutionId, ids)).all().map((r) => r.id));
  for (const id of ids) if (versioned.has(id)) syncInstitution(tx, id, revision);
  const fresh = ids.filter((id) => !versioned.has(id));
  if (fresh.length === 0) return;
  const rows = tx.select().from(institutions).where(inArray(institutions.id, fresh)).all();
  const aliases = tx.select().from(institutionAliases).where(inArray(institutionAliases.institutionId, fresh)).orderBy(asc(institutionAliases.id)).all();
  const byInstitution = new Map<number, string[]>();
  for (const a of aliases) byInstitution.set(a.institutionId, [...(byInstitution.get(a.institutionId) ?? []), a.alias]);
  const rev = revision.number();
  for (const r of rows) {
    tx.insert(institutionVersions)
      .values({
        institutionId: r.id, revFrom: rev, slug: r.slug, name: r.name, kind: r.kind, code: r.code, region: r.region, country: r.country,
        website: r.website, active: r.active, successorId: r.successorId, aliases: JSON.stringify(byInstitution.get(r.id) ?? []),
      })
      .run();
  }
}

/** Brings the campaign's public text and asks in line with the working copy. */
export function syncCampaign(tx: Tx | Db, revision: Revision): void {
  const row = tx.select().from(campaign).get();
  const current = tx.select().from(campaignVersions).where(isNull(campaignVersions.revTo)).get();
  if (row) {
    const working = { title: row.title, summary: row.summary, website: row.website, endedOn: row.endedOn, outcome: row.outcome, outcomeSources: row.outcomeSources };
    if (!current || !same(working, { title: current.title, summary: current.summary, website: current.website, endedOn: current.endedOn, outcome: current.outcome, outcomeSources: current.outcomeSources })) {
      const rev = revision.number();
      if (current) tx.update(campaignVersions).set({ revTo: rev }).where(eq(campaignVersions.versionId, current.versionId)).run();
      tx.insert(campaignVersions).values({ revFrom: rev, ...working }).run();
    }
  }
  const currentAsks = new Map(tx.select().from(askVersions).where(isNull(askVersions.revTo)).all().map((a) => [a.askId, a]));
  for (const ask of tx.select().from(asks).all()) {
    const working = { slug: ask.slug, title: ask.title, description: ask.description, sortOrder: ask.sortOrder };
    const version = currentAsks.get(ask.id);
    if (version && same(working, { slug: version.slug, title: version.title, description: version.description, sortOrder: version.sortOrder })) continue;
    const rev = revision.number();
    if (version) tx.update(askVersions).set({ revTo: rev }).where(eq(askVersions.versionId, version.versionId)).run();
    tx.insert(askVersions).values({ askId: ask.id, revFrom: rev, ...working }).run();
  }
}
