/** The open data's institutions spreadsheet: every institution with its positions and silence, as at T. */
import { isoInstant } from '../domain/calendar.js';
import type { Ask, InstitutionView } from '../tracker/tracker.js';
import { csvRows } from './csv.js';

export const LICENCE = 'CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)';

export function institutionFiguresCsv(institutions: InstitutionView[], asks: Ask[], asOf: number, revision: number, campaignEndedOn: string | null = null, staleSince: string | null = null): string {
  const slugs = asks.map((a) => a.slug);
  const header = [
    'slug', 'name', 'kind', 'code', 'region', 'country', 'aliases', 'active', 'url',
    ...slugs.flatMap((a) => [`${a}_stance`, `${a}_since`]),
    'silence_since', 'calendar_days', 'working_days', 'unanswered_contacts', 'last_contact', 'as_of', 'revision', 'campaign_ended_on', 'record_stale_since',
  ];
  const at = isoInstant(asOf);
  const rows = institutions.map((i) => [
    i.slug, i.name, i.kind, i.code, i.region, i.country, i.aliases.join('; '), i.active, i.url,
    ...slugs.flatMap((a) => [i.positions[a]?.stance ?? 'none', i.positions[a]?.since ?? null]),
    i.silence?.since, i.silence?.calendarDays, i.silence?.workingDays, i.silence?.unansweredContacts, i.silence?.lastContact, at, revision, campaignEndedOn, i.silence ? staleSince : null,
  ]);
  return csvRows([header, ...rows]);
}
