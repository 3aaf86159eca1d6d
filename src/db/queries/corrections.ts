import type { Db } from '../client.js';
import { prepared } from './events.js';

export interface CorrectionRow {
  eventId: number;
  at: number;
  note: string;
  eventSummary: string;
  institutionName: string | null;
}

/** Corrections made up to T, newest first; for one event, or for all published ones. */
export function correctionRows(db: Db, asOf: number, eventId: number | null): CorrectionRow[] {
  return prepared(
    db,
    `SELECT c.event_id AS eventId, c.at, c.note, e.summary AS eventSummary, i.name AS institutionName
     FROM corrections c JOIN events e ON e.id = c.event_id LEFT JOIN institutions i ON i.id = e.institution_id
     WHERE c.at <= @asOf AND e.status = 'published' AND e.deleted_at IS NULL AND (@eventId IS NULL OR c.event_id = @eventId)
     ORDER BY c.at DESC, c.id DESC LIMIT 1000`,
  ).all({ asOf, eventId }) as CorrectionRow[];
}
