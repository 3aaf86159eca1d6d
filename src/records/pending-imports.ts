/**
 * Spreadsheets waiting for their uploader to confirm the import: kept server-side under a random
 * id (the session holds only the id), for the user who uploaded them, for an hour.
 */
import { randomBytes } from 'node:crypto';
import { and, eq, lt } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { pendingImports } from '../db/schema.js';

export const PENDING_IMPORT_MINUTES = 60;

export type ImportKind = 'events' | 'institutions';

export interface PendingImport {
  kind: ImportKind;
  name: string;
  content: Buffer;
}

/** Keeps a checked file; replaces any file the same user left waiting, and forgets expired ones. */
export function keepPendingImport(db: Db, userId: number, file: PendingImport, now: number): string {
  const id = randomBytes(18).toString('base64url');
  db.transaction((tx) => {
    tx.delete(pendingImports).where(lt(pendingImports.expiresAt, now)).run();
    tx.delete(pendingImports).where(eq(pendingImports.userId, userId)).run();
    tx.insert(pendingImports).values({ id, userId, ...file, createdAt: now, expiresAt: now + PENDING_IMPORT_MINUTES * 60_000 }).run();
  });
  return id;
}

/** The user's waiting file with this id, removed from the waiting list; null when there is none (or it expired). */
export function takePendingImport(db: Db, id: string, userId: number, now: number): PendingImport | null {
  return db.transaction((tx) => {
    const row = tx.select().from(pendingImports).where(and(eq(pendingImports.id, id), eq(pendingImports.userId, userId))).get();
    if (!row) return null;
    tx.delete(pendingImports).where(eq(pendingImports.id, id)).run();
    return row.expiresAt >= now ? { kind: row.kind, name: row.name, content: row.content } : null;
  });
}

/** Forgets the user's waiting file, if any. */
export function dropPendingImports(db: Db, userId: number): void {
  db.delete(pendingImports).where(eq(pendingImports.userId, userId)).run();
}
