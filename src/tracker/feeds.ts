/** What the feeds carry: the latest published events, of the whole campaign or one institution, searched and filtered as the timeline is. */
import { campaignView, institutionAsAt, timeline, type At, type CampaignView, type EventView, type InstitutionView, type TimelineFilter, type Tracker } from './tracker.js';

export const FEED_SIZE = 50;

export interface FeedEvents {
  campaign: CampaignView;
  /** The institution the feed is about, or null for the whole campaign. */
  institution: InstitutionView | null;
  events: EventView[];
}

/** The feed's events as at T; null when there is no institution with that slug. */
export function feedEvents(t: Tracker, at: At, slug: string | null = null, filter: TimelineFilter = {}): FeedEvents | null {
  const institution = slug === null ? null : institutionAsAt(t, slug, at);
  if (slug !== null && !institution) return null;
  const events = timeline(t, at, institution ? { ...filter, institutionId: institution.id } : filter, null, FEED_SIZE).events;
  return { campaign: campaignView(t, at), institution, events };
}
