/**
 * Sign-in throttling, per account and per address: each failure slows the next answer, and
 * after MAX_FAILURES within the window both are refused for LOCK_MINUTES.
 */
import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { signInFailures } from '../db/schema.js';

export const MAX_FAILURES = 5;
export const WINDOW_MINUTES = 15;
export const LOCK_MINUTES = 15;
/** Extra wait per earlier failure, in milliseconds. */
export const SLOWDOWN_MS = 200;

const keysFor = (email: string, ip: string) => [`email:${email.trim().toLowerCase()}`, `ip:${ip}`];

/** Minutes until sign-in is allowed again for this account or address, or 0. */
export function lockedMinutes(db: Db, email: string, ip: string, now: number): number {
  const rows = db.select().from(signInFailures).where(inArray(signInFailures.key, keysFor(email, ip))).all();
  const until = Math.max(0, ...rows.map((r) => r.lockedUntil ?? 0));
  return until > now ? Math.ceil((until - now) / 60_000) : 0;
}

/** Records a failure; returns how long to wait before answering. */
export function recordFailure(db: Db, email: string, ip: string, now: number): number {
  let worst = 0;
  db.transaction((tx) => {
    for (const key of keysFor(email, ip)) {
      const row = tx.select().from(signInFailures).where(eq(signInFailures.key, key)).get();
      const fresh = !row || row.firstAt < now - WINDOW_MINUTES * 60_000;
      const failures = fresh ? 1 : row.failures + 1;
      const lockedUntil = failures >= MAX_FAILURES ? now + LOCK_MINUTES * 60_000 : null;
      tx.insert(signInFailures)
        .values({ key, failures, firstAt: fresh ? now : row.firstAt, lockedUntil })
        .onConflictDoUpdate({ target: signInFailures.key, set: { failures, firstAt: fresh ? now : row.firstAt, lockedUntil } })
        .run();
      worst = Math.max(worst, failures);
    }
  });
  return Math.min(worst, MAX_FAILURES) * SLOWDOWN_MS;
}

export function clearFailures(db: Db, email: string): void {
  db.delete(signInFailures).where(eq(signInFailures.key, keysFor(email, '')[0]!)).run();
}
