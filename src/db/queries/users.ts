/** Reading accounts. */
import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { users } from '../schema.js';

export type UserRow = typeof users.$inferSelect;

export function userByEmail(db: Db, email: string): UserRow | null {
  return db.select().from(users).where(sql`${users.email} = ${email.trim()} COLLATE NOCASE`).get() ?? null;
}

export function userById(db: Db, id: number): UserRow | null {
  return db.select().from(users).where(eq(users.id, id)).get() ?? null;
}

export function countUsers(db: Db): number {
  return db.select({ n: sql<number>`count(*)` }).from(users).get()!.n;
}

/** Every user, by name. */
export function userRows(db: Db): UserRow[] {
  return db.select().from(users).orderBy(asc(users.name)).all();
}
