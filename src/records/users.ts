/** Accounts: creating users, changing passwords, deactivating (which ends their sessions at once). */
import { and, eq, ne, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { sessions, users, type Role } from '../db/schema.js';
import { recordAudit, type Actor } from './audit.js';
import { hashPassword, passwordProblem } from './passwords.js';
import { TEXT_LIMITS, tooLong } from '../domain/limits.js';

export type UserRow = typeof users.$inferSelect;
export const ROLES: readonly Role[] = ['admin', 'editor'];

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  password: string;
}

export type FieldErrors = Partial<Record<string, string>>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function userByEmail(db: Db, email: string): UserRow | null {
  return db.select().from(users).where(sql`${users.email} = ${email.trim()} COLLATE NOCASE`).get() ?? null;
}

export function userById(db: Db, id: number): UserRow | null {
  return db.select().from(users).where(eq(users.id, id)).get() ?? null;
}

export function countUsers(db: Db): number {
  return db.select({ n: sql<number>`count(*)` }).from(users).get()!.n;
}

export function checkNewUser(db: Db, input: NewUser): FieldErrors {
  const errors: FieldErrors = {};
  if (!EMAIL.test(input.email.trim()) || input.email.trim().length > TEXT_LIMITS.email) errors.email = 'Enter an email address like name@example.org';
  else if (userByEmail(db, input.email)) errors.email = 'A user with this email address already exists';
  if (input.name.trim() === '') errors.name = 'Enter a name';
  const nameTooLong = tooLong(input.name.trim(), TEXT_LIMITS.personName, 'the name');
  if (nameTooLong) errors.name = nameTooLong;
  if (!ROLES.includes(input.role)) errors.role = 'Choose admin or editor';
  const problem = passwordProblem(input.password);
  if (problem) errors.password = problem;
  return errors;
}

export async function createUser(db: Db, input: NewUser, actor: Actor, now: number): Promise<{ ok: true; id: number } | { ok: false; errors: FieldErrors }> {
  const errors = checkNewUser(db, input);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const passwordHash = await hashPassword(input.password);
  const id = db.transaction((tx) => {
    const row = tx
      .insert(users)
      .values({ email: input.email.trim(), name: input.name.trim(), role: input.role, passwordHash, active: true, createdAt: now, updatedAt: now })
      .returning({ id: users.id })
      .get();
    recordAudit(tx, actor, { action: 'user.create', entityType: 'user', entityId: row.id, after: { email: input.email.trim(), name: input.name.trim(), role: input.role } }, now);
    return row.id;
  });
  return { ok: true, id };
}

/**
 * Changes a password and ends every other session of the account (someone who knew the old
 * password is signed out); `keepSession` is the session making the change.
 */
export async function changePassword(db: Db, userId: number, password: string, keepSession: string | null, actor: Actor, now: number): Promise<string | null> {
  const problem = passwordProblem(password);
  if (problem) return problem;
  const passwordHash = await hashPassword(password);
  db.transaction((tx) => {
    tx.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, userId)).run();
    const ended = tx
      .delete(sessions)
      .where(keepSession === null ? eq(sessions.userId, userId) : and(eq(sessions.userId, userId), ne(sessions.sid, keepSession)))
      .run().changes;
    recordAudit(tx, actor, { action: 'user.password', entityType: 'user', entityId: userId, after: { otherSessionsEnded: ended } }, now);
  });
  return null;
}

/** Deactivates or reactivates a user; deactivation ends every session of theirs. */
export function setUserActive(db: Db, userId: number, active: boolean, actor: Actor, now: number): void {
  db.transaction((tx) => {
    const before = tx.select().from(users).where(eq(users.id, userId)).get();
    if (!before) throw new Error(`No user ${userId}`);
    tx.update(users).set({ active, updatedAt: now }).where(eq(users.id, userId)).run();
    if (!active) tx.delete(sessions).where(eq(sessions.userId, userId)).run();
    recordAudit(tx, actor, { action: active ? 'user.reactivate' : 'user.deactivate', entityType: 'user', entityId: userId, before: { active: before.active }, after: { active } }, now);
  });
}
