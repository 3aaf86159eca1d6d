/** What the feeds carry: the latest published events, of the whole campaign or one institution. */
import { campaignView, institutionAsAt, timeline, type CampaignView, type EventView, type InstitutionView, type Tracker } from './tracker.js';

export const FEED_SIZE = 50;

export interface FeedEvents {
  campaign: CampaignView;
  /** The institution the feed is about, or null for the whole campaign. */
  institution: InstitutionView | null;
  events: EventView[];
}

/** The feed's events as at T; null when there is no institution with that slug. */
export function feedEvents(t: Tracker, asOf: number, slug: string | null = null): FeedEvents | null {
  const institution = slug === null ? null : institutionAsAt(t, slug, asOf);
  if (slug !== null && !institution) return null;
  const events = timeline(t, asOf, institution ? { institutionId: institution.id } : {}, null, FEED_SIZE).events;
  return { campaign: campaignView(t), institution, events };
}
