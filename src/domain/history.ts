/** What every figure is computed from: an institution's events, as at an instant. */
import type { LondonDate } from './calendar.js';
import type { EventStatus, EventType, ResponseType } from './vocabulary.js';

export interface HistoryEvent {
  id: number;
  type: EventType;
  responseType: ResponseType | null;
  status: EventStatus;
  /** Epoch milliseconds (UTC). */
  occurredAt: number;
  /** The Europe/London date of `occurredAt`. */
  date: LondonDate;
}

/** Only published events with occurredAt ≤ T count. */
export function countsAsAt(event: Pick<HistoryEvent, 'status' | 'occurredAt'>, asOf: number): boolean {
  return event.status === 'published' && event.occurredAt <= asOf;
}

/** Timeline order: by occurredAt, then by id (the order they were logged) for events at the same instant. */
export function byOccurrence(a: Pick<HistoryEvent, 'occurredAt' | 'id'>, b: Pick<HistoryEvent, 'occurredAt' | 'id'>): number {
  return a.occurredAt - b.occurredAt || a.id - b.id;
}
