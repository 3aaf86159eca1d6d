/** Whether the tracker can answer: what /healthz reports. */
import { databaseIsReady } from '../db/queries/campaign.js';
import type { Tracker } from './tracker.js';

export interface Health {
  status: 'ok';
}

export function health(t: Tracker): Health {
  databaseIsReady(t.db);
  return { status: 'ok' };
}
