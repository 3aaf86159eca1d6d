/** The audit log: every change, written by the same transaction as the change itself. */
import type { Db } from '../db/client.js';
import { auditLog } from '../db/schema.js';
import type { Tx } from './events.js';

export interface Actor {
  /** The signed-in user, or null for a command run on the server. */
  userId: number | null;
  /** A name to show: the user's name, or what ran the change ("npm run import"). */
  name: string;
}

export interface AuditEntry {
  action: string;
  entityType: 'event' | 'institution' | 'user' | 'campaign' | 'ask' | 'calendar' | 'message' | 'attachment' | 'subscription';
  entityId: number | null;
  institutionId?: number | null;
  before?: unknown;
  after?: unknown;
  /** The revision of the public record the change made, if it made one. */
  revisionId?: number | null;
}

export function recordAudit(tx: Tx | Db, actor: Actor, entry: AuditEntry, at: number): void {
  tx.insert(auditLog).values(auditRow(actor, entry, at)).run();
}

function auditRow(actor: Actor, entry: AuditEntry, at: number) {
  return {
    at,
    userId: actor.userId,
    actor: actor.name,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    institutionId: entry.institutionId ?? null,
    before: entry.before === undefined ? null : JSON.stringify(entry.before),
    after: entry.after === undefined ? null : JSON.stringify(entry.after),
    revisionId: entry.revisionId ?? null,
  };
}
