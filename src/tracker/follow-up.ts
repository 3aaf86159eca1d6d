/** The campaigners' follow-up queue: who to chase, as at an instant. */
import { awaitingReply, drafts, type AwaitingRow, type DraftRow } from '../db/queries/follow-up.js';
import { daysBetween, londonDateOf } from '../domain/calendar.js';
import { isOverdue } from '../domain/reply-due.js';
import { bySilence, institutionsAsAt, now, reading, type InstitutionView, type Tracker } from './tracker.js';

export interface AwaitingContact extends AwaitingRow {
  overdue: boolean;
  daysWaiting: number;
}

export interface FollowUp {
  awaiting: AwaitingContact[];
  silent: InstitutionView[];
  drafts: DraftRow[];
}

export const QUEUE_LIMIT = 200;

/** The queue as at the instant (the workspace's now), from the record as it stands. */
export function followUp(t: Tracker, asOf: number): FollowUp {
  const today = londonDateOf(asOf);
  const at = now(t, asOf);
  const awaiting = awaitingReply(t.db, reading(t, at), null, QUEUE_LIMIT).map((c) => ({
    ...c,
    overdue: isOverdue(c.dueOn, asOf),
    daysWaiting: daysBetween(c.date, today),
  }));
  // Overdue first (longest overdue at the top), then the rest by due date.
  awaiting.sort((a, b) => Number(b.overdue) - Number(a.overdue) || (a.dueOn ?? '9').localeCompare(b.dueOn ?? '9') || a.id - b.id);
  return {
    awaiting,
    silent: bySilence(institutionsAsAt(t, at).filter((i) => i.silence !== null)),
    drafts: drafts(t.db, QUEUE_LIMIT),
  };
}
