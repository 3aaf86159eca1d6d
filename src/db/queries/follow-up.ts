/** What campaigners need to chase: contacts after each institution's latest comment, and drafts. */
import type { Db } from '../client.js';
import { AFTER_LATEST_COMMENT, latestCommentCte, prepared } from './events.js';
import { readingParams, visible, type Reading } from './reading.js';

export interface AwaitingRow {
  id: number;
  institutionId: number;
  institutionSlug: string;
  institutionName: string;
  occurredAt: number;
  date: string;
  channel: string | null;
  fromName: string | null;
  summary: string;
  dueOn: string | null;
}

/**
 * Published contacts in the reading that no comment has followed yet (the same outstanding contacts
 * the silence figure counts), soonest due first; of every institution, or of one.
 */
export function awaitingReply(db: Db, r: Reading, institutionId: number | null, limit: number): AwaitingRow[] {
  return prepared(
    db,
    `WITH ${latestCommentCte(r)}
    SELECT e.event_id AS id, e.institution_id AS institutionId, i.slug AS institutionSlug, i.name AS institutionName,
      e.occurred_at AS occurredAt, e.occurred_on AS date, e.channel, e.from_name AS fromName, e.summary, e.due_on AS dueOn
    FROM event_versions e JOIN institutions i ON i.id = e.institution_id
    LEFT JOIN latest_comment c ON c.institutionId = e.institution_id
    WHERE ${visible(r)} AND e.type = 'contact' AND ${AFTER_LATEST_COMMENT} AND (@institutionId IS NULL OR e.institution_id = @institutionId)
    ORDER BY e.due_on IS NULL, e.due_on, e.occurred_at, e.event_id
    LIMIT @limit`,
  ).all({ ...readingParams(r), limit, institutionId }) as AwaitingRow[];
}

export interface DraftRow {
  id: number;
  type: string;
  institutionName: string | null;
  date: string;
  summary: string;
  createdBy: string;
  sources: number;
  /** 1 when the draft is a reply that arrived by email (filed by the mailbox reader or from the inbox). */
  fromEmail: number;
}

export function drafts(db: Db, limit: number): DraftRow[] {
  return prepared(
    db,
    `SELECT e.id, e.type, i.name AS institutionName, e.occurred_on AS date, e.summary, e.created_by AS createdBy,
        (SELECT count(*) FROM event_sources s WHERE s.event_id = e.id) AS sources,
        EXISTS (SELECT 1 FROM inbound_messages m WHERE m.approach_event_id = e.answers_event_id AND m.event_id = e.id) AS fromEmail
      FROM events e LEFT JOIN institutions i ON i.id = e.institution_id
      WHERE e.status = 'draft' AND e.deleted_at IS NULL
      ORDER BY fromEmail DESC, e.occurred_at DESC, e.id DESC LIMIT @limit`,
  ).all({ limit }) as DraftRow[];
}
