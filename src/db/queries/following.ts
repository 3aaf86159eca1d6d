/** Followers (the `subscriptions` table) and the messages sent to them. Addresses are compared without regard to case. */
import { and, eq, gt, inArray, isNotNull, isNull, lt, ne, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { mailRuns, outbox, subscriptions, type SubscriptionFrequency, type SubscriptionScope } from '../schema.js';

export type SubscriptionRow = typeof subscriptions.$inferSelect;
type Conn = Pick<Db, 'select' | 'insert' | 'update' | 'delete'>;

export interface FollowTarget {
  scope: SubscriptionScope;
  institutionId: number | null;
  askId: number | null;
}

/** Every frequency: lets the `subscriptions_due` index (frequency, confirmed_at) serve a query about confirmation alone. */
const ALL_FREQUENCIES: SubscriptionFrequency[] = ['immediate', 'daily', 'weekly'];

/** The kinds of message sent to followers. */
export const FOLLOWER_KINDS = ['confirm', 'alert', 'digest'] as const;

/** One address's subscription to one target, if any (served by the unique index `subscriptions_target`). */
export function subscriptionFor(db: Conn, email: string, target: FollowTarget): SubscriptionRow | null {
  return (
    db
      .select()
      .from(subscriptions)
      .where(
        and(
          sql`${subscriptions.email} = ${email} COLLATE NOCASE`,
          eq(subscriptions.scope, target.scope),
          sql`coalesce(${subscriptions.institutionId}, 0) = ${target.institutionId ?? 0}`,
          sql`coalesce(${subscriptions.askId}, 0) = ${target.askId ?? 0}`,
        ),
      )
      .get() ?? null
  );
}

export function subscriptionByTokenHash(db: Pick<Db, 'select'>, tokenHash: string): SubscriptionRow | null {
  return db.select().from(subscriptions).where(eq(subscriptions.tokenHash, tokenHash)).get() ?? null;
}

/** How many confirmation emails were queued to an address since `since` (served by `outbox_to`). */
export function confirmationsSince(db: Conn, email: string, since: number): number {
  const row = db
    .select({ n: sql<number>`count(*)` })
    .from(outbox)
    .where(and(eq(outbox.toAddress, email), gt(outbox.createdAt, since), eq(outbox.kind, 'confirm')))
    .get();
  return row?.n ?? 0;
}

/** Deletes requests never confirmed that were made before `before`; returns how many. */
export function deleteUnconfirmedBefore(db: Conn, before: number): number {
  return db
    .delete(subscriptions)
    .where(and(inArray(subscriptions.frequency, ALL_FREQUENCIES), isNull(subscriptions.confirmedAt), lt(subscriptions.createdAt, before)))
    .run().changes;
}

/** Confirmed followers of one frequency (served by `subscriptions_due`). */
export function confirmedFollowers(db: Conn, frequency: SubscriptionFrequency): SubscriptionRow[] {
  return db
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.frequency, frequency), isNotNull(subscriptions.confirmedAt)))
    .all();
}

/** Messages to followers at one address, not being handed to the mail server right now. */
export function deleteFollowerMail(db: Conn, email: string, subscriptionId: number | null, onlyQueued: boolean): number {
  return db
    .delete(outbox)
    .where(
      and(
        eq(outbox.toAddress, email),
        inArray(outbox.kind, [...FOLLOWER_KINDS]),
        subscriptionId === null ? undefined : eq(outbox.subscriptionId, subscriptionId),
        onlyQueued ? eq(outbox.status, 'queued') : ne(outbox.status, 'sending'),
      ),
    )
    .run().changes;
}

/** Sent or failed messages to followers last touched before `before` (served by `outbox_due`). */
export function deleteOldFollowerMail(db: Conn, before: number): number {
  return db
    .delete(outbox)
    .where(and(inArray(outbox.status, ['sent', 'failed']), lt(outbox.nextAttemptAt, before), inArray(outbox.kind, [...FOLLOWER_KINDS])))
    .run().changes;
}

/** Every subscription of an address, whatever its case (served by `subscriptions_target`). */
export function deleteSubscriptionsOf(db: Conn, email: string): number {
  return db.delete(subscriptions).where(sql`${subscriptions.email} = ${email} COLLATE NOCASE`).run().changes;
}

/** How many followers there are, by scope, target and frequency, confirmed or not: numbers only. */
export function followerCounts(db: Db): { scope: SubscriptionScope; institutionId: number | null; askId: number | null; frequency: SubscriptionFrequency; confirmed: number; pending: number }[] {
  return db
    .select({
      scope: subscriptions.scope,
      institutionId: subscriptions.institutionId,
      askId: subscriptions.askId,
      frequency: subscriptions.frequency,
      confirmed: sql<number>`sum(${subscriptions.confirmedAt} IS NOT NULL)`,
      pending: sql<number>`sum(${subscriptions.confirmedAt} IS NULL)`,
    })
    .from(subscriptions)
    .groupBy(subscriptions.scope, subscriptions.institutionId, subscriptions.askId, subscriptions.frequency)
    .all();
}

export function mailRunAt(db: Conn, name: string): number | null {
  return db.select().from(mailRuns).where(eq(mailRuns.name, name)).get()?.lastRunAt ?? null;
}

export function setMailRun(db: Conn, name: string, at: number): void {
  db.insert(mailRuns).values({ name, lastRunAt: at }).onConflictDoUpdate({ target: mailRuns.name, set: { lastRunAt: at } }).run();
}

/** Moves a follower on to `revision`, only if no other worker did meanwhile; returns whether this one did. */
export function advanceFollower(db: Conn, id: number, from: number, to: number, sentAt: number | null): boolean {
  return (
    db
      .update(subscriptions)
      .set({ notifiedRevision: to, ...(sentAt === null ? {} : { lastSentAt: sentAt }) })
      .where(and(eq(subscriptions.id, id), eq(subscriptions.notifiedRevision, from)))
      .run().changes === 1
  );
}
