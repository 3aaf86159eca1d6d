/**
 * Attachments on events: files uploaded by campaigners or carried by email, their type read from
 * their content (file-type) against an allow-list, kept in the file store, listed publicly only when
 * marked public. Each change and its audit row in one transaction.
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { attachments, events } from '../db/schema.js';
import { safeFileName } from '../domain/files.js';
import { typeOfFile, type TypedFile } from '../mail/file-types.js';
import { recordAudit, type Actor } from './audit.js';
import { RecordNotFound } from './errors.js';
import type { Tx } from './events.js';
import { drop, keep, keepBytes, type Incoming } from './files.js';
import { ok, type Result } from './fields.js';

export type { TypedFile };

export interface AttachmentRow {
  eventId: number;
  sha256: string;
  name: string;
  contentType: string;
  size: number;
  public: boolean;
  source: 'upload' | 'email';
  inboundMessageId?: number | null;
}

/** Writes one attachment row (the bytes already kept) inside the caller's transaction. */
export function insertAttachment(tx: Tx | Db, row: AttachmentRow, createdBy: string, now: number): number {
  return tx
    .insert(attachments)
    .values({ ...row, inboundMessageId: row.inboundMessageId ?? null, createdBy, createdAt: now })
    .returning({ id: attachments.id })
    .get().id;
}

/** Keeps the files of a message (already typed) and returns their rows, for the caller's transaction. */
export function keepMessageFiles(filesDir: string, files: readonly TypedFile[]): { sha256: string; name: string; contentType: string; size: number }[] {
  return files.map((f) => ({ sha256: keepBytes(filesDir, f.bytes), name: f.name, contentType: f.type.mime, size: f.bytes.length }));
}

const liveEvent = (tx: Tx | Db, eventId: number) =>
  tx.select({ id: events.id, institutionId: events.institutionId }).from(events).where(and(eq(events.id, eventId), isNull(events.deletedAt))).get();

/**
 * A campaigner's upload, already received into a temporary file: refused (and dropped) when too
 * large, empty or of a type not accepted; otherwise kept and attached to the event.
 */
export async function uploadAttachment(
  db: Db,
  filesDir: string,
  eventId: number,
  upload: { incoming: Incoming | null; filename: string | undefined; public: boolean },
  limits: { maxBytes: number },
  actor: Actor,
  now: number,
): Promise<Result<{ id: number }>> {
  const { incoming } = upload;
  const refuse = (file: string) => {
    drop(incoming);
    return { ok: false as const, errors: { file } };
  };
  if (!liveEvent(db, eventId)) {
    drop(incoming);
    throw new RecordNotFound('There is no such event');
  }
  if (!incoming || (incoming.size === 0 && !upload.filename)) return refuse('Choose a file to attach');
  if (incoming.tooLarge) return refuse(`The file is too large: attach a file of at most ${Math.round(limits.maxBytes / 1024 / 1024)} MB`);
  const name = safeFileName(upload.filename, 'attachment');
  const typed = await typeOfFile(incoming.head, name);
  if (!typed.ok) return refuse(typed.problem);
  const sha256 = keep(filesDir, incoming);
  const id = db.transaction((tx) => {
    const event = liveEvent(tx, eventId);
    if (!event) throw new RecordNotFound('There is no such event');
    const row = { eventId, sha256, name, contentType: typed.type.mime, size: incoming.size, public: upload.public, source: 'upload' as const };
    const id = insertAttachment(tx, row, actor.name, now);
    recordAudit(tx, actor, { action: 'attachment.add', entityType: 'attachment', entityId: id, institutionId: event.institutionId, after: { eventId, name, contentType: row.contentType, size: row.size, public: row.public } }, now);
    return id;
  });
  return ok({ id });
}

/** Marks an attachment public (listed on the event's public page) or not. Returns its event. */
export function setAttachmentPublic(db: Db, id: number, isPublic: boolean, actor: Actor, now: number): { eventId: number } {
  return db.transaction((tx) => {
    const row = tx.select().from(attachments).where(eq(attachments.id, id)).get();
    if (!row) throw new RecordNotFound('There is no such attachment');
    if (row.public !== isPublic) {
      tx.update(attachments).set({ public: isPublic }).where(eq(attachments.id, id)).run();
      recordAudit(tx, actor, { action: isPublic ? 'attachment.public' : 'attachment.private', entityType: 'attachment', entityId: id, institutionId: liveEvent(tx, row.eventId)?.institutionId ?? null, before: { public: row.public }, after: { public: isPublic } }, now);
    }
    return { eventId: row.eventId };
  });
}

/**
 * Removes an attachment from its event. The bytes stay in the file store (another event or a
 * message may share them, and the audit row names them). Returns its event.
 */
export function removeAttachment(db: Db, id: number, actor: Actor, now: number): { eventId: number } {
  return db.transaction((tx) => {
    const row = tx.select().from(attachments).where(eq(attachments.id, id)).get();
    if (!row) throw new RecordNotFound('There is no such attachment');
    tx.delete(attachments).where(eq(attachments.id, id)).run();
    recordAudit(tx, actor, { action: 'attachment.remove', entityType: 'attachment', entityId: id, institutionId: liveEvent(tx, row.eventId)?.institutionId ?? null, before: { eventId: row.eventId, name: row.name, sha256: row.sha256, public: row.public } }, now);
    return { eventId: row.eventId };
  });
}
