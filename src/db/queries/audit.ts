import type { Cursor } from '../../domain/cursor.js';
import type { Db } from '../client.js';
import { prepared } from './events.js';

export interface AuditRow {
  id: number;
  at: number;
  userId: number | null;
  actor: string;
  action: string;
  entityType: string;
  entityId: number | null;
  institutionId: number | null;
  institutionName: string | null;
  before: string | null;
  after: string | null;
  /** For event rows: whether the event is deleted now. */
  eventDeleted: number | null;
}

export interface AuditFilter {
  userId?: number | undefined;
  institutionId?: number | undefined;
  /** Epoch ms bounds, inclusive from, exclusive to. */
  from?: number | undefined;
  to?: number | undefined;
}

/** The audit log, newest first, in pages (keyset on at, id). */
export function auditRows(db: Db, filter: AuditFilter, before: Cursor | null, limit: number): AuditRow[] {
  const where = ['1 = 1'];
  if (filter.userId !== undefined) where.push('a.user_id = @userId');
  if (filter.institutionId !== undefined) where.push('a.institution_id = @institutionId');
  if (filter.from !== undefined) where.push('a.at >= @from');
  if (filter.to !== undefined) where.push('a.at < @to');
  if (before) where.push('(a.at, a.id) < (@beforeAt, @beforeId)');
  return prepared(
    db,
    `SELECT a.id, a.at, a.user_id AS userId, a.actor, a.action, a.entity_type AS entityType, a.entity_id AS entityId,
       a.institution_id AS institutionId, i.name AS institutionName, a.before, a.after,
       CASE WHEN a.entity_type = 'event' THEN (SELECT e.deleted_at IS NOT NULL FROM events e WHERE e.id = a.entity_id) END AS eventDeleted
     FROM audit_log a LEFT JOIN institutions i ON i.id = a.institution_id
     WHERE ${where.join(' AND ')} ORDER BY a.at DESC, a.id DESC LIMIT @limit`,
  ).all({
    userId: filter.userId ?? null,
    institutionId: filter.institutionId ?? null,
    from: filter.from ?? null,
    to: filter.to ?? null,
    beforeAt: before?.at ?? null,
    beforeId: before?.id ?? null,
    limit,
  }) as AuditRow[];
}
