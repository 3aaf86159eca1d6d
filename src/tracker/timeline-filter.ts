/**
 * The timeline's search and filters as the page, the API and the feeds take them from the
 * address: read and checked once, each problem a message for its parameter.
 */
import { addDays, instantOf, parseDate, type LondonDate } from '../domain/calendar.js';
import { parseSearch, type Search } from '../domain/search.js';
import type { EventType, InstitutionKind } from '../domain/vocabulary.js';
import { askBySlug, institutionNamed, type At, type InstitutionOnRecord, type TimelineFilter, type Tracker } from './tracker.js';

/** The parameters as given (an empty value means "any", as the page's form sends it). */
export interface TimelineFilterParams {
  q?: string | undefined;
  type?: EventType | '' | undefined;
  kind?: InstitutionKind | '' | undefined;
  region?: string | undefined;
  ask?: string | undefined;
  institution?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export interface TimelineSelection {
  filter: TimelineFilter;
  /** The search, read; null when there is none. */
  search: Search | null;
  /** The institution named by `institution`, if any. */
  institution: InstitutionOnRecord | null;
  /** True when a search or any filter narrows the timeline. */
  narrowed: boolean;
  /** The parameters that give this selection again, for links (next page, feeds, the API). */
  params: Record<string, string | undefined>;
}

export type TimelineSelectionResult = { ok: true; value: TimelineSelection } | { ok: false; errors: Record<string, string> };

const DATE_EXAMPLE = '2021-04-23, 23/4/2021 or 23 April 2021';

/** A `from` or `to` date: the London date, or a message. */
function dateParam(name: 'from' | 'to', text: string): { ok: true; value: LondonDate } | { ok: false; message: string } {
  const parsed = parseDate(text);
  if (parsed.ok) return parsed;
  if (/is not (a real date|a month)/.test(parsed.message)) return { ok: false, message: `The “${name}” date: ${parsed.message}` };
  return { ok: false, message: `Enter the “${name}” date like ${DATE_EXAMPLE}` };
}

const given = (value: string | undefined): string | undefined => (value === undefined || value.trim() === '' ? undefined : value.trim());

/**
 * Reads the search and filters. `from` and `to` are London dates, both included. The ask and the
 * institution are looked up as the record stood at the revision read.
 */
export function readTimelineFilter(t: Tracker, params: TimelineFilterParams, at: At): TimelineSelectionResult {
  const errors: Record<string, string> = {};
  const searched = parseSearch(params.q);
  if (!searched.ok) errors.q = searched.message;
  const search = searched.ok ? searched.value : null;

  const ask = given(params.ask);
  if (ask && !askBySlug(t, ask, at)) errors.ask = `“${ask}” is not one of the campaign’s asks`;

  const slug = given(params.institution);
  const institution = slug ? institutionNamed(t, slug, at) : null;
  if (slug && !institution) errors.institution = `No institution has the address “${slug}”`;

  const dates: { from?: LondonDate; to?: LondonDate } = {};
  for (const name of ['from', 'to'] as const) {
    const text = given(params[name]);
    if (!text) continue;
    const date = dateParam(name, text);
    if (date.ok) dates[name] = date.value;
    else errors[name] = date.message;
  }
  if (dates.from && dates.to && dates.to < dates.from) errors.to = 'The “to” date is before the “from” date';

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const filter: TimelineFilter = {
    type: params.type || undefined,
    kind: params.kind || undefined,
    region: given(params.region),
    ask,
    institutionId: institution?.id,
    search,
    from: dates.from ? instantOf(dates.from) : undefined,
    until: dates.to ? instantOf(addDays(dates.to, 1)) : undefined,
  };
  const kept = {
    q: search?.text,
    type: filter.type,
    kind: filter.kind,
    region: filter.region,
    ask,
    institution: institution?.slug,
    from: dates.from,
    to: dates.to,
  };
  return {
    ok: true,
    value: { filter, search, institution, narrowed: Object.values(kept).some((v) => v !== undefined), params: kept },
  };
}
