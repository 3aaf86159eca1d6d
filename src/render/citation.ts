/**
 * "Cite this": a ready sentence for journalists, with a permanent link that pins both the moment
 * and the revision of the record, so it shows the same figure for ever (and says so when the
 * record has been revised since). The wording comes from the same figures as the page.
 */
import { endOfLondonDay } from '../domain/calendar.js';
import type { FastifyRequest } from 'fastify';
import { isoInstant } from '../domain/calendar.js';
import type { AskCount } from '../domain/positions.js';
import { revisionInfo } from '../tracker/revisions.js';
import type { EventView, InstitutionView } from '../tracker/tracker.js';
import { headline, instantLabel, longDate, plural, stanceLabel, workingDaysPhrase } from './format.js';

export interface Citation {
  sentence: string;
  url: string;
}

/** The moment and revision a citation pins, and when that revision was made (epoch ms). */
export interface Pin {
  asOf: number;
  rev: number;
  recordedAt: number;
  /** True when the moment is the end of the campaign's last day. */
  atEnd?: boolean;
}

/** What a citation made from this request pins: its moment, and the revision it was answered at. */
export function pinOf(request: FastifyRequest): Pin {
  const info = revisionInfo(request.server.tracker, request.rev);
  const atEnd = request.campaignEndedOn !== null && request.asOf === endOfLondonDay(request.campaignEndedOn);
  return { asOf: request.asOf, rev: request.rev, recordedAt: info?.at ?? request.asOf, atEnd };
}

/** The page's address pinned to the moment (in UTC) and the revision: `…?as_of=2021-05-06T10:30:00Z&rev=57`. */
export function pinnedUrl(baseUrl: string, path: string, pin: Pick<Pin, 'asOf' | 'rev'>): string {
  const instant = isoInstant(pin.asOf).replace('.000Z', 'Z');
  return `${baseUrl}${path}?as_of=${encodeURIComponent(instant).replace(/%3A/g, ':')}&rev=${pin.rev}`;
}

/** "As at 11:30 on 6 May 2021 (UK time), as recorded at 14:02 on 23 November 2026" */
function asAt(pin: Pin): string {
  const label = instantLabel(pin.asOf);
  return `${label.startsWith('the end of') ? 'At' : 'As at'} ${label} (UK time)${pin.atEnd ? ', when the campaign ended' : ''}, as recorded at ${instantLabel(pin.recordedAt)}`;
}

export function citeInstitution(i: InstitutionView, asks: { slug: string; title: string }[], pin: Pin, siteTitle: string, baseUrl: string): Citation {
  const url = pinnedUrl(baseUrl, `/institutions/${i.slug}`, pin);
  let figure: string;
  if (i.silence) {
    figure = `${i.name} had not commented ${plural(i.silence.calendarDays, 'day')} (${workingDaysPhrase(i.silence)}) after it was first approached on ${longDate(i.silence.since)}`;
  } else {
    const stated = asks.filter((a) => i.positions[a.slug]?.stance !== 'none');
    figure = stated.length
      ? `${i.name}’s position was: ${stated.map((a) => `${a.title}: ${stanceLabel(i.positions[a.slug]!.stance)} (since ${longDate(i.positions[a.slug]!.since)})`).join('; ')}`
      : `${i.name} had stated no position on ${asks.map((a) => `“${a.title}”`).join(' or ')}`;
  }
  return { sentence: `${asAt(pin)}, ${figure}. Source: ${siteTitle}, ${url}`, url };
}

export function citeEvent(e: EventView, siteTitle: string, baseUrl: string, pin: Pin): Citation {
  const url = pinnedUrl(baseUrl, `/events/${e.id}`, pin);
  const who = e.institutionName ?? 'The campaign';
  const what = e.quote ? `${who} said: “${e.quote}”` : e.summary;
  return { sentence: `On ${longDate(e.date)}: ${what} Source: ${siteTitle}, ${url}`.replace(/([^.!?”])( Source:)/, '$1.$2'), url };
}

export function citeCounts(counts: (AskCount & { title: string })[], pin: Pin, siteTitle: string, baseUrl: string): Citation {
  const url = pinnedUrl(baseUrl, '/', pin);
  const parts = counts.map((c) => headline(c).replace(/\.$/, ''));
  return { sentence: `${asAt(pin)}: ${parts.join('; ')}. Source: ${siteTitle}, ${url}`, url };
}
