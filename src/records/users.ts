/** Accounts: creating users, changing passwords, deactivating (which ends their sessions at once). */
import { and, eq, ne } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { userByEmail } from '../db/queries/users.js';
import { sessions, users } from '../db/schema.js';
import { ROLES, type Role } from '../domain/vocabulary.js';
import { recordAudit, type Actor } from './audit.js';
import { RecordNotFound } from './errors.js';
import { addError, hasErrors, ok, type FieldErrors, type Result } from './fields.js';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { TEXT_LIMITS, tooLong } from '../domain/limits.js';


export interface NewUser {
  email: string;
  name: string;
  role: Role;
  password: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function checkNewUser(db: Db, input: NewUser): FieldErrors {
  const errors: FieldErrors = {};
  if (!EMAIL.test(input.email.trim()) || input.email.trim().length > TEXT_LIMITS.email) addError(errors, 'email', 'Enter an email address like name@example.org');
  else if (userByEmail(db, input.email)) addError(errors, 'email', 'A user with this email address already exists');
  if (input.name.trim() === '') addError(errors, 'name', 'Enter a name');
  addError(errors, 'name', tooLong(input.name.trim(), TEXT_LIMITS.personName, 'the name'));
  if (!(ROLES as readonly string[]).includes(input.role)) addError(errors, 'role', 'Choose admin or editor');
  addError(errors, 'password', passwordProblem(input.password));
  return errors;
}

export async function createUser(db: Db, input: NewUser, actor: Actor, now: number): Promise<Result<{ id: number }>> {
  const errors = checkNewUser(db, input);
  if (hasErrors(errors)) return { ok: false, errors };
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
  return ok({ id });
}

export interface PasswordChange {
  current: string;
  password: string;
  confirm: string;
}

/**
 * Changes a user's own password, given their current one, and ends every other session of the
 * account (someone who knew the old password is signed out); `keepSession` is the session
 * making the change.
 */
export async function changePassword(db: Db, user: { id: number; passwordHash: string }, change: PasswordChange, keepSession: string | null, actor: Actor, now: number): Promise<Result<null>> {
  const errors: FieldErrors = {};
  if (!(await verifyPassword(change.current, user.passwordHash))) addError(errors, 'current', 'Your current password is not right');
  if (change.password !== change.confirm) addError(errors, 'confirm', 'The two new passwords differ');
  addError(errors, 'password', passwordProblem(change.password));
  if (hasErrors(errors)) return { ok: false, errors };
  const passwordHash = await hashPassword(change.password);
  db.transaction((tx) => {
    tx.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, user.id)).run();
    const ended = tx
      .delete(sessions)
      .where(keepSession === null ? eq(sessions.userId, user.id) : and(eq(sessions.userId, user.id), ne(sessions.sid, keepSession)))
      .run().changes;
    recordAudit(tx, actor, { action: 'user.password', entityType: 'user', entityId: user.id, after: { otherSessionsEnded: ended } }, now);
  });
  return ok(null);
}

/** Deactivates or reactivates a user; deactivation ends every session of theirs. Throws RecordNotFound for no such user. */
export function setUserActive(db: Db, userId: number, active: boolean, actor: Actor, now: number): void {
  db.transaction((tx) => {
    const before = tx.select().from(users).where(eq(users.id, userId)).get();
    if (!before) throw new RecordNotFound('There is no such user');
    tx.update(users).set({ active, updatedAt: now }).where(eq(users.id, userId)).run();
    if (!active) tx.delete(sessions).where(eq(sessions.userId, userId)).run();
    recordAudit(tx, actor, { action: active ? 'user.reactivate' : 'user.deactivate', entityType: 'user', entityId: userId, before: { active: before.active }, after: { active } }, now);
  });
}
