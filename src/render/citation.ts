/**
 * "Cite this": a ready sentence for journalists, with a permanent link that pins the moment, so
 * it shows the same figure for ever. The wording comes from the same figures as the page.
 */
import { isoInstant } from '../domain/calendar.js';
import type { AskCount } from '../domain/positions.js';
import type { EventView, InstitutionView } from '../tracker/tracker.js';
import { headline, instantLabel, longDate, plural, stanceLabel } from './format.js';

export interface Citation {
  sentence: string;
  url: string;
}

/** The page's address pinned to the instant, in UTC: `…?as_of=2021-05-06T10:30:00Z`. */
export function pinnedUrl(baseUrl: string, path: string, asOf: number): string {
  const instant = isoInstant(asOf).replace('.000Z', 'Z');
  return `${baseUrl}${path}?as_of=${encodeURIComponent(instant).replace(/%3A/g, ':')}`;
}

function asAt(asOf: number): string {
  const label = instantLabel(asOf);
  return label.startsWith('the end of') ? `At ${label}` : `As at ${label}`;
}

export function citeInstitution(i: InstitutionView, asks: { slug: string; title: string }[], asOf: number, siteTitle: string, baseUrl: string): Citation {
  const url = pinnedUrl(baseUrl, `/institutions/${i.slug}`, asOf);
  let figure: string;
  if (i.silence) {
    figure = `${i.name} had not commented ${plural(i.silence.calendarDays, 'day')} (${plural(i.silence.workingDays, 'working day')}) after it was first approached on ${longDate(i.silence.since)}`;
  } else {
    const stated = asks.filter((a) => i.positions[a.slug]?.stance !== 'none');
    figure = stated.length
      ? `${i.name}’s position was: ${stated.map((a) => `${a.title}: ${stanceLabel(i.positions[a.slug]!.stance)} (since ${longDate(i.positions[a.slug]!.since)})`).join('; ')}`
      : `${i.name} had stated no position on ${asks.map((a) => `“${a.title}”`).join(' or ')}`;
  }
  return { sentence: `${asAt(asOf)} (UK time), ${figure}. Source: ${siteTitle}, ${url}`, url };
}

export function citeEvent(e: EventView, siteTitle: string, baseUrl: string, asOf: number): Citation {
  const url = pinnedUrl(baseUrl, `/events/${e.id}`, asOf);
  const who = e.institutionName ?? 'The campaign';
  const what = e.quote ? `${who} said: “${e.quote}”` : e.summary;
  return { sentence: `On ${longDate(e.date)}: ${what} Source: ${siteTitle}, ${url}`.replace(/([^.!?”])( Source:)/, '$1.$2'), url };
}

export function citeCounts(counts: (AskCount & { title: string })[], asOf: number, siteTitle: string, baseUrl: string): Citation {
  const url = pinnedUrl(baseUrl, '/', asOf);
  const parts = counts.map((c) => headline(c).replace(/\.$/, ''));
  return { sentence: `${asAt(asOf)} (UK time): ${parts.join('; ')}. Source: ${siteTitle}, ${url}`, url };
}
