/** The campaigners' follow-up queue: who to chase, as at an instant. */
import { awaitingReply, drafts, type AwaitingRow, type DraftRow } from '../db/queries/follow-up.js';
import { daysBetween, londonDateOf } from '../domain/calendar.js';
import { isOverdue, overdueAsAt, overdueThresholds } from '../domain/reply-due.js';
import { bySilence, institutionsAsAt, now, reading, type InstitutionView, type Tracker } from './tracker.js';

export interface AwaitingContact extends AwaitingRow {
  overdue: boolean;
  /** The day it became late, and the day it became long overdue, if it has (it is still unanswered). */
  lateOn: string | null;
  longOverdueOn: string | null;
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
    ...overdueAsAt(overdueThresholds(c.date, c.dueOn, t.calendar), null, today),
    daysWaiting: daysBetween(c.date, today),
  }));
  // Long overdue first, then late (longest overdue at the top of each), then the rest by due date.
  const tier = (c: AwaitingContact) => (c.longOverdueOn ? 2 : c.overdue ? 1 : 0);
  awaiting.sort((a, b) => tier(b) - tier(a) || (a.dueOn ?? '9').localeCompare(b.dueOn ?? '9') || a.id - b.id);
  return {
    awaiting,
    silent: bySilence(institutionsAsAt(t, at).filter((i) => i.silence !== null)),
    drafts: drafts(t.db, QUEUE_LIMIT),
  };
}
