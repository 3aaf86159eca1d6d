/**
 * Following by email, the write side: asking to follow (and the confirmation email, queued in the
 * same transaction), confirming, changing how often, unsubscribing (the row is deleted), deleting
 * every subscription of an address, and the expiry of requests never confirmed.
 *
 * The token in a follower's links is an HMAC of the row's id and creation time under a key derived
 * from SESSION_SECRET: unguessable, the same in every email sent to that follower (so the
 * unsubscribe link of an old alert still works), and stored only as its SHA-256.
 */
import { createHash, createHmac } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { latestRevision } from '../db/queries/reading.js';
import {
  advanceFollower,
  confirmationsSince,
  deleteFollowerMail,
  deleteOldFollowerMail,
  deleteSubscriptionsOf,
  deleteUnconfirmedBefore,
  setMailRun,
  subscriptionByTokenHash,
  subscriptionFor,
  type FollowTarget,
  type SubscriptionRow,
} from '../db/queries/following.js';
import { subscriptions } from '../db/schema.js';
import { CONFIRMATIONS_PER_ADDRESS_PER_DAY, CONFIRM_WITHIN_MS, FOLLOWER_MAIL_KEPT_DAYS, type Frequency } from '../domain/following.js';
export { followingAvailable } from '../domain/following.js';
import { queueMessage, type QueuedMessage } from '../mail/outbox.js';
import type { Actor } from './audit.js';
import { recordAudit } from './audit.js';

export type { FollowTarget, SubscriptionRow };

/** The key follower tokens are made with, from the session secret (a separate purpose, a separate key). */
export function followerKey(sessionSecret: string): Buffer {
  return createHmac('sha256', sessionSecret).update('follower links').digest();
}

/** The token in a follower's links. */
export function followerToken(key: Buffer, row: Pick<SubscriptionRow, 'id' | 'createdAt'>): string {
  return createHmac('sha256', key).update(`follower:${row.id}:${row.createdAt}`).digest('base64url');
}

export const tokenHashOf = (token: string): string => createHash('sha256').update(token).digest('hex');

/** A token as links carry it: 43 characters of base64url. Anything else is not looked up. */
export const looksLikeToken = (token: string): boolean => /^[A-Za-z0-9_-]{43}$/.test(token);

/** The subscription a link's token opens, or null (unknown, or a request that has expired). */
export function subscriptionByToken(db: Pick<Db, 'select'>, token: string, now: number): SubscriptionRow | null {
  if (!looksLikeToken(token)) return null;
  const row = subscriptionByTokenHash(db, tokenHashOf(token));
  if (!row) return null;
  if (row.confirmedAt === null && row.createdAt < now - CONFIRM_WITHIN_MS) return null;
  return row;
}

/** What the confirmation email is about: a new request (with the link to confirm), or an address already following. */
export type ConfirmationFor = { state: 'new'; token: string; frequency: Frequency } | { state: 'already'; frequency: Frequency };

export interface FollowRequest {
  email: string;
  frequency: Frequency;
  target: FollowTarget;
}

/**
 * Records a request to follow and queues its email, in one transaction. The caller shows the same
 * answer whatever happens here: a new address, one waiting for confirmation (its link renewed),
 * one already following (told so, nothing changed), or one that has had enough email today
 * (nothing sent, nothing changed).
 */
export function requestToFollow(
  db: Db,
  key: Buffer,
  request: FollowRequest,
  compose: (about: ConfirmationFor) => Omit<QueuedMessage, 'to' | 'kind' | 'subscriptionId' | 'createdBy'>,
  now: number,
): { sent: boolean } {
  return db.transaction((tx) => {
    if (confirmationsSince(tx, request.email, now - 86_400_000) >= CONFIRMATIONS_PER_ADDRESS_PER_DAY) return { sent: false };
    const existing = subscriptionFor(tx, request.email, request.target);
    let about: ConfirmationFor;
    let id: number;
    if (existing?.confirmedAt) {
      about = { state: 'already', frequency: existing.frequency };
      id = existing.id;
    } else {
      if (existing) {
        tx.update(subscriptions).set({ createdAt: now, frequency: request.frequency }).where(eq(subscriptions.id, existing.id)).run();
        id = existing.id;
      } else {
        id = tx
          .insert(subscriptions)
          .values({ email: request.email, scope: request.target.scope, institutionId: request.target.institutionId, askId: request.target.askId, frequency: request.frequency, tokenHash: `pending:${now}:${Math.random()}`, createdAt: now })
          .returning({ id: subscriptions.id })
          .get().id;
      }
      const token = followerToken(key, { id, createdAt: now });
      tx.update(subscriptions).set({ tokenHash: tokenHashOf(token) }).where(eq(subscriptions.id, id)).run();
      about = { state: 'new', token, frequency: request.frequency };
    }
    queueMessage(tx, { ...compose(about), kind: 'confirm', to: request.email, subscriptionId: id, createdBy: 'follow form' }, now);
    return { sent: true };
  });
}

/**
 * Confirms a request: from now on the follower hears of every change after the latest revision.
 * Returns the row, or null when the link is unknown or expired. Confirming twice changes nothing.
 */
export function confirmFollowing(db: Db, token: string, now: number): SubscriptionRow | null {
  return db.transaction((tx) => {
    const row = subscriptionByToken(tx, token, now);
    if (!row) return null;
    if (row.confirmedAt !== null) return row;
    const set = { confirmedAt: now, notifiedRevision: latestRevision(db), lastSentAt: now };
    tx.update(subscriptions).set(set).where(eq(subscriptions.id, row.id)).run();
    return { ...row, ...set };
  });
}

export function changeFrequency(db: Db, token: string, frequency: Frequency, now: number): SubscriptionRow | null {
  return db.transaction((tx) => {
    const row = subscriptionByToken(tx, token, now);
    if (!row) return null;
    tx.update(subscriptions).set({ frequency }).where(eq(subscriptions.id, row.id)).run();
    return { ...row, frequency };
  });
}

/** Unsubscribes: the row is deleted, with any message to it not yet sent. Returns what it followed, or null for an unknown link. */
export function unsubscribe(db: Db, token: string, now: number): SubscriptionRow | null {
  return db.transaction((tx) => {
    const row = subscriptionByToken(tx, token, now);
    if (!row) return null;
    deleteFollowerMail(tx, row.email, row.id, true);
    tx.delete(subscriptions).where(eq(subscriptions.id, row.id)).run();
    return row;
  });
}

/**
 * Deletes every subscription of an address and every message to it as a follower (except one being
 * handed to the mail server at this moment). Returns how many subscriptions there were. `actor`,
 * when an admin does it, is written to the audit log with the count, never the address.
 */
export function forgetFollower(db: Db, email: string, actor: Actor | null, now: number): number {
  const address = email.trim().toLowerCase();
  return db.transaction((tx) => {
    const count = deleteSubscriptionsOf(tx, address);
    deleteFollowerMail(tx, address, null, false);
    if (actor) recordAudit(tx, actor, { action: 'followers.forget', entityType: 'subscription', entityId: null, after: { subscriptions: count } }, now);
    return count;
  });
}

/** Housekeeping, each round: requests never confirmed are deleted after CONFIRM_WITHIN_DAYS, and sent mail to followers after FOLLOWER_MAIL_KEPT_DAYS. */
export function expireFollowers(db: Db, now: number): { requests: number; messages: number } {
  return db.transaction((tx) => ({
    requests: deleteUnconfirmedBefore(tx, now - CONFIRM_WITHIN_MS),
    messages: deleteOldFollowerMail(tx, now - FOLLOWER_MAIL_KEPT_DAYS * 86_400_000),
  }));
}

/** An email for one follower, or null when nothing they follow changed. */
export type FollowerMail = Omit<QueuedMessage, 'to' | 'kind' | 'subscriptionId' | 'createdBy'> | null;

/**
 * Moves one follower on to revision `to` and queues their alert, in one transaction: a crash before
 * it commits leaves both undone (the next round tries again), after it both are done (never sent
 * twice, nothing skipped). Does nothing when another worker moved them on meanwhile.
 */
export function recordAlert(db: Db, row: Pick<SubscriptionRow, 'id' | 'email' | 'notifiedRevision'>, to: number, mail: FollowerMail, now: number): boolean {
  return db.transaction((tx) => {
    if (!advanceFollower(tx, row.id, row.notifiedRevision, to, mail ? now : null)) return false;
    if (mail) queueMessage(tx, { ...mail, kind: 'alert', to: row.email, subscriptionId: row.id, createdBy: 'alerts' }, now);
    return true;
  });
}

/**
 * One digest round (daily or weekly), all in one transaction: every follower moved on to `to`, a
 * digest queued for each with news, and the round's time recorded, so it is neither skipped nor
 * sent twice.
 */
export function recordDigests(db: Db, run: string, entries: { row: Pick<SubscriptionRow, 'id' | 'email' | 'notifiedRevision'>; mail: FollowerMail }[], to: number, now: number): number {
  return db.transaction((tx) => {
    let queued = 0;
    for (const { row, mail } of entries) {
      if (!advanceFollower(tx, row.id, row.notifiedRevision, to, mail ? now : null) || !mail) continue;
      queueMessage(tx, { ...mail, kind: 'digest', to: row.email, subscriptionId: row.id, createdBy: 'alerts' }, now);
      queued += 1;
    }
    setMailRun(tx, run, now);
    return queued;
  });
}

/**
 * Follow requests per client address: at most `max` in an hour, counted in memory. At most
 * `clients` addresses are remembered (the oldest forgotten first), so no client can make it grow
 * without bound.
 */
export class FollowRequestLimit {
  private readonly seen = new Map<string, number[]>();
  constructor(
    private readonly max: number,
    private readonly clients = 10_000,
  ) {}

  /** Counts a request from `client`; false when it is one too many. */
  allow(client: string, now: number): boolean {
    const recent = (this.seen.get(client) ?? []).filter((at) => at > now - 3_600_000);
    this.seen.delete(client);
    if (recent.length >= this.max) {
      this.seen.set(client, recent);
      return false;
    }
    recent.push(now);
    this.seen.set(client, recent);
    if (this.seen.size > this.clients) this.seen.delete(this.seen.keys().next().value!);
    return true;
  }
}
