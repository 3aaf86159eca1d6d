/**
 * Following by email, the read side: what a follower can follow (the whole campaign, one
 * institution, one ask), and what changed in the public record that touches it. The news is the
 * tracker's own account of what changed (src/tracker/changes.ts: revisions of the record, positions
 * moved, silences begun and ended, contacts that became late), filtered to what each follows;
 * drafts are never in it, since only the published record has revisions.
 */
import { askRows } from '../db/queries/campaign.js';
import { followerCounts } from '../db/queries/following.js';
import { publicInstitutions } from '../db/queries/directory.js';
import { londonDateOf } from '../domain/calendar.js';
import type { SubscriptionScope } from '../db/schema.js';
import type { Frequency } from '../domain/following.js';
import { changes, type Changes } from './changes.js';
import type { RecordChange } from './revisions.js';
import { contactsCrossing, institutionNamed, reading, type At, type EventView, type Tracker } from './tracker.js';

/** What one follower follows, with the names to show. */
export interface FollowTarget {
  scope: SubscriptionScope;
  institution: { id: number; slug: string; name: string } | null;
  ask: { id: number; slug: string; title: string } | null;
}

export const CAMPAIGN: FollowTarget = { scope: 'campaign', institution: null, ask: null };

/**
 * The target a follow form's query names: `institution=slug`, `ask=slug`, or neither (the whole
 * campaign). Null when it names one that does not exist.
 */
export function followTargetOf(t: Tracker, query: { institution?: string | undefined; ask?: string | undefined }, at: At): FollowTarget | null {
  if (query.institution) {
    const i = institutionNamed(t, query.institution, at);
    return i ? { scope: 'institution', institution: { id: i.id, slug: i.slug, name: i.name }, ask: null } : null;
  }
  if (query.ask) {
    const a = askRows(t.db).find((row) => row.slug === query.ask);
    return a ? { scope: 'ask', institution: null, ask: { id: a.id, slug: a.slug, title: a.title } } : null;
  }
  return CAMPAIGN;
}

/** Names for stored subscriptions (by institution and ask id), as the record stands at `at`. */
export function targetNames(t: Tracker, at: At): (row: { scope: SubscriptionScope; institutionId: number | null; askId: number | null }) => FollowTarget {
  const institutions = new Map(publicInstitutions(t.db, reading(t, at)).map((i) => [i.id, i]));
  const asks = new Map(askRows(t.db).map((a) => [a.id, a]));
  return (row) => {
    const i = row.institutionId === null ? undefined : institutions.get(row.institutionId);
    const a = row.askId === null ? undefined : asks.get(row.askId);
    return {
      scope: row.scope,
      institution: row.scope === 'institution' ? { id: row.institutionId ?? 0, slug: i?.slug ?? '', name: i?.name ?? 'an institution no longer listed' } : null,
      ask: row.scope === 'ask' ? { id: row.askId ?? 0, slug: a?.slug ?? '', title: a?.title ?? 'an ask no longer listed' } : null,
    };
  };
}

/** What changed, as followers are told it. */
export type FollowerNews = Pick<Changes, 'to' | 'record' | 'moves' | 'silencesBegun' | 'silencesEnded' | 'becameLate' | 'becameLongOverdue'>;

/** The most changes one round looks at: a follower who missed more is pointed to /changes. */
const MAX_CHANGES = 1000;

/**
 * What changed in the public record from revision `fromRev` to `to.rev` (as at `to.asOf`), and,
 * when `lateSince` is given, which contacts became late or long overdue from that moment to `to.asOf`.
 */
export function followerNews(t: Tracker, fromRev: number, to: At, lateSince: number | null): FollowerNews {
  const revised = fromRev < to.rev ? changes(t, { asOf: to.asOf, rev: fromRev }, to) : null;
  const crossing = lateSince === null ? { late: [], longOverdue: [] } : contactsCrossing(t, to, londonDateOf(lateSince), londonDateOf(to.asOf), MAX_CHANGES);
  return {
    to,
    record: revised ? revised.record.slice(0, MAX_CHANGES) : [],
    moves: revised?.moves ?? [],
    silencesBegun: revised?.silencesBegun ?? [],
    silencesEnded: revised?.silencesEnded ?? [],
    becameLate: crossing.late,
    becameLongOverdue: crossing.longOverdue,
  };
}

/** The institution slugs and ask slugs a change to an event's positions names (`halt: committed; review: none`). */
const asksIn = (text: string): string[] => [...text.matchAll(/(?:^|; )([a-z0-9-]+): /g)].map((m) => m[1]!);

function touches(c: RecordChange, target: FollowTarget): boolean {
  if (target.scope === 'campaign') return true;
  if (target.scope === 'institution') {
    const slug = target.institution!.slug;
    if (c.subject === 'event') return c.before?.institutionSlug === slug || c.after?.institutionSlug === slug;
    return c.subject === 'institution' && c.institutionSlug === slug;
  }
  const ask = target.ask!.slug;
  if (c.subject === 'ask') return c.askSlug === ask;
  if (c.subject === 'event') return c.fields.some((f) => f.field === 'positions' && [...asksIn(f.before), ...asksIn(f.after)].includes(ask));
  return false;
}

/** The part of the news that touches what one follower follows. */
export function newsFor(news: FollowerNews, target: FollowTarget): FollowerNews {
  const inst = target.scope === 'institution' ? target.institution!.slug : null;
  const ask = target.scope === 'ask' ? target.ask!.slug : null;
  const byInstitution = <T extends { institution: { slug: string } }>(list: T[]) => (target.scope === 'campaign' ? list : inst ? list.filter((x) => x.institution.slug === inst) : []);
  const lateFor = (list: EventView[]) => (target.scope === 'campaign' ? list : inst ? list.filter((e) => e.institution === inst) : []);
  return {
    to: news.to,
    record: news.record.filter((c) => touches(c, target)),
    moves: target.scope === 'ask' ? news.moves.filter((m) => m.ask === ask) : byInstitution(news.moves),
    silencesBegun: byInstitution(news.silencesBegun),
    silencesEnded: byInstitution(news.silencesEnded),
    becameLate: lateFor(news.becameLate),
    becameLongOverdue: lateFor(news.becameLongOverdue),
  };
}

export const isQuiet = (n: FollowerNews): boolean =>
  n.record.length + n.moves.length + n.silencesBegun.length + n.silencesEnded.length + n.becameLate.length + n.becameLongOverdue.length === 0;

/** How many follow what, how often: numbers only, for the workspace (never an address). */
export interface FollowerCount {
  target: FollowTarget;
  frequency: Frequency;
  confirmed: number;
  pending: number;
}

export function followerTotals(t: Tracker, at: At): FollowerCount[] {
  const names = targetNames(t, at);
  return followerCounts(t.db).map((row) => ({ target: names(row), frequency: row.frequency, confirmed: row.confirmed, pending: row.pending }));
}


