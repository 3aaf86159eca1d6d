/**
 * Sign-in throttling. Failures are counted three ways, each in its own window:
 * - per account and address: 5 failures lock that pair for 15 minutes, so whoever guesses locks
 *   out only themselves;
 * - per address: 20 failures, whichever accounts they tried, lock the address;
 * - per account: 50 failures in a day (a guesser with many addresses) lock the account for 15
 *   minutes, but never on a browser its owner has signed in from before.
 * Each failure also slows the next answer. The owner is told of failed attempts at their next
 * sign-in.
 */
import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { userByEmail, type UserRow } from '../db/queries/users.js';
import { signInFailures } from '../db/schema.js';
import { recordAudit, type Actor } from './audit.js';
import { addError, hasErrors, type FieldErrors } from './fields.js';
import { DUMMY_HASH, verifyPassword } from './passwords.js';

interface Rule {
  key: (email: string, ip: string) => string;
  max: number;
  windowMinutes: number;
}

const MINUTE = 60_000;
export const LOCK_MINUTES = 15;
/** Extra wait per earlier failure of this account from this address, in milliseconds. */
export const SLOWDOWN_MS = 200;

const normal = (email: string) => email.trim().toLowerCase();

export const RULES = {
  pair: { key: (email, ip) => `pair:${normal(email)}|${ip}`, max: 5, windowMinutes: 15 },
  address: { key: (_email, ip) => `ip:${ip}`, max: 20, windowMinutes: 15 },
  account: { key: (email: string, _ip?: string) => `account:${normal(email)}`, max: 50, windowMinutes: 24 * 60 },
} satisfies Record<string, Rule>;

type RuleName = keyof typeof RULES;

/**
 * Minutes until sign-in is allowed again for this account from this address, or 0. A browser
 * the account's owner has signed in from before is not held back by the per-account ceiling.
 */
export function lockedMinutes(db: Db, email: string, ip: string, now: number, knownBrowser: boolean): number {
  const names: RuleName[] = knownBrowser ? ['pair', 'address'] : ['pair', 'address', 'account'];
  const keys = names.map((name) => RULES[name].key(email, ip));
  const rows = db.select().from(signInFailures).where(inArray(signInFailures.key, keys)).all();
  const until = Math.max(0, ...rows.map((r) => r.lockedUntil ?? 0));
  return until > now ? Math.ceil((until - now) / MINUTE) : 0;
}

/** Records a failure under every rule; returns how long to wait before answering. */
export function recordFailure(db: Db, email: string, ip: string, now: number): number {
  let pairFailures = 0;
  db.transaction((tx) => {
    for (const [name, rule] of Object.entries(RULES) as [RuleName, Rule][]) {
      const key = rule.key(email, ip);
      const row = tx.select().from(signInFailures).where(eq(signInFailures.key, key)).get();
      const fresh = !row || row.firstAt < now - rule.windowMinutes * MINUTE;
      const failures = fresh ? 1 : row.failures + 1;
      const firstAt = fresh ? now : row.firstAt;
      const lockedUntil = failures >= rule.max ? now + LOCK_MINUTES * MINUTE : null;
      tx.insert(signInFailures)
        .values({ key, failures, firstAt, lockedUntil })
        .onConflictDoUpdate({ target: signInFailures.key, set: { failures, firstAt, lockedUntil } })
        .run();
      if (name === 'pair') pairFailures = failures;
    }
  });
  return Math.min(pairFailures, RULES.pair.max) * SLOWDOWN_MS;
}

export interface FailedAttempts {
  count: number;
  /** When the first of them was made (epoch ms). */
  since: number;
}

/**
 * After a successful sign-in: clears this account's failures (from this address and overall)
 * and returns the failed attempts on the account since they began, so its owner can be told.
 */
export function recordSuccess(db: Db, email: string, ip: string, now: number): FailedAttempts | null {
  return db.transaction((tx) => {
    const accountKey = RULES.account.key(email, ip);
    const account = tx.select().from(signInFailures).where(eq(signInFailures.key, accountKey)).get();
    tx.delete(signInFailures).where(inArray(signInFailures.key, [accountKey, RULES.pair.key(email, ip)])).run();
    const recent = account && account.firstAt >= now - RULES.account.windowMinutes * MINUTE;
    return recent && account.failures > 0 ? { count: account.failures, since: account.firstAt } : null;
  });
}

export type SignIn =
  | { ok: true; user: UserRow; failedBefore: FailedAttempts | null }
  | { ok: false; status: 400 | 401 | 429; errors: FieldErrors; /** How long to wait before answering, in ms. */ wait: number };

const WRONG = 'The email address or password is not right';

/**
 * Checks a sign-in: the form filled in, not locked out, the password right, the account active.
 * Failures are recorded (the message never says which of email or password was wrong); success
 * clears them and says how many failed attempts came before. `knownBrowser` says whether the
 * browser has signed in to that account before.
 */
export async function attemptSignIn(
  db: Db,
  attempt: { email: string; password: string; ip: string; knownBrowser: (userId: number) => boolean },
  actor: (user: UserRow) => Actor,
  now: number,
): Promise<SignIn> {
  const email = attempt.email.trim();
  const errors: FieldErrors = {};
  if (!email) addError(errors, 'email', 'Enter your email address');
  if (!attempt.password) addError(errors, 'password', 'Enter your password');
  if (hasErrors(errors)) return { ok: false, status: 400, errors, wait: 0 };
  const user = userByEmail(db, email);
  const locked = lockedMinutes(db, email, attempt.ip, now, user !== null && attempt.knownBrowser(user.id));
  if (locked > 0) return { ok: false, status: 429, errors: { email: `Too many failed sign-ins. Try again in ${locked} minute${locked === 1 ? '' : 's'}.` }, wait: 0 };
  const right = await verifyPassword(attempt.password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !right || !user.active) return { ok: false, status: 401, errors: { email: WRONG }, wait: recordFailure(db, email, attempt.ip, now) };
  const failedBefore = recordSuccess(db, email, attempt.ip, now);
  recordAudit(db, actor(user), { action: 'user.sign_in', entityType: 'user', entityId: user.id, after: failedBefore ? { failedAttemptsBefore: failedBefore.count } : undefined }, now);
  return { ok: true, user, failedBefore };
}
