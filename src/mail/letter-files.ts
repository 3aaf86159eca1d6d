/**
 * The files a letter carries: the attachments of the contact it is, read from FILES_DIR where they
 * are kept by SHA-256 (`<sha256[0..2]>/<sha256>`), under the names they were given.
 */
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { attachments } from '../db/schema.js';
import type { OutboxRow } from './outbox.js';

export type LetterFile = { filename: string; path: string; contentType: string };

/** For the sender: the files of an outbox row's contact (none for messages that are no contact). */
export function attachmentsOf(db: Db, filesDir: string): (row: OutboxRow) => LetterFile[] {
  return (row) => {
    if (row.eventId === null || (row.kind !== 'approach' && row.kind !== 'chaser')) return [];
    return db
      .select({ sha256: attachments.sha256, name: attachments.name, contentType: attachments.contentType })
      .from(attachments)
      .where(eq(attachments.eventId, row.eventId))
      .orderBy(attachments.id)
      .all()
      .filter((a) => /^[0-9a-f]{64}$/.test(a.sha256))
      .map((a) => ({ filename: a.name, path: path.join(filesDir, a.sha256.slice(0, 2), a.sha256), contentType: a.contentType }));
  };
}
