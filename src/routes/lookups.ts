/** The lookups every handler shares: a thing found, or the request refused in one wording. */
import { RequestProblem } from '../plugins/errors.js';
import type { TimelineSelection, TimelineSelectionResult } from '../tracker/timeline-filter.js';
import { askBySlug, type Ask, type At, type Tracker } from '../tracker/tracker.js';

/** The institution found, or a 404 naming the address that was asked for. */
export function institutionOr404<T>(found: T | null | undefined, slug: string): T {
  if (found === null || found === undefined) {
    throw new RequestProblem(404, `No institution has the address “${slug}”. Browse the directory of institutions to find it.`, 'slug');
  }
  return found;
}

/** An ask named in a query parameter: the ask, or a 400 naming the parameter. */
export function askOr400(t: Tracker, slug: string, at: At, parameter = 'ask'): Ask {
  const ask = askBySlug(t, slug, at);
  if (!ask) throw new RequestProblem(400, `“${slug}” is not one of the campaign’s asks`, parameter);
  return ask;
}

/** An ask named in the address: the ask, or a 404. */
export function askOr404(t: Tracker, slug: string, at: At): Ask {
  const ask = askBySlug(t, slug, at);
  if (!ask) throw new RequestProblem(404, `“${slug}” is not one of the campaign’s asks`, 'ask');
  return ask;
}

/** An event id from the address, or a 404 (the workspace's forms take it as text). */
export function eventIdOr404(text: string): number {
  const id = Number(text);
  if (!/^\d{1,15}$/.test(text) || id < 1) throw new RequestProblem(404, 'There is no such event', 'id');
  return id;
}

/** The timeline's search and filters, or a 400 naming the first parameter at fault (the API and the feeds; the page shows every problem beside its field). */
export function selectionOr400(result: TimelineSelectionResult): TimelineSelection {
  if (result.ok) return result.value;
  const [parameter, message] = Object.entries(result.errors)[0]!;
  throw new RequestProblem(400, `${message}.`, parameter);
}
