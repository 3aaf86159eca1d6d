/** The public directory and the campaign as they stood at a revision (from their versions). */
import type { Db } from '../client.js';
import type { InstitutionKind } from '../../domain/vocabulary.js';
import { prepared } from './prepared.js';
import { validAt, type Reading } from './reading.js';

/** An institution as the public directory held it at a revision. */
export interface PublicInstitution {
  id: number;
  slug: string;
  name: string;
  kind: InstitutionKind;
  code: string | null;
  region: string | null;
  country: string | null;
  website: string | null;
  active: boolean;
  successorId: number | null;
  aliases: string[];
}

const COLUMNS = `v.institution_id AS id, v.slug, v.name, v.kind, v.code, v.region, v.country, v.website, v.active, v.successor_id AS successorId, v.aliases`;

type Raw = Omit<PublicInstitution, 'active' | 'aliases'> & { active: number; aliases: string };
const publicInstitution = (r: Raw): PublicInstitution => ({ ...r, active: r.active === 1, aliases: JSON.parse(r.aliases) as string[] });

/** Every institution of the directory at the reading's revision, by name. */
export function publicInstitutions(db: Db, r: Reading): PublicInstitution[] {
  return (prepared(db, `SELECT ${COLUMNS} FROM institution_versions v WHERE ${validAt(r, 'v')} ORDER BY v.name`).all({ rev: r.rev }) as Raw[]).map(publicInstitution);
}

/** One institution by its slug (which never changes), as the directory held it at the reading's revision. */
export function publicInstitutionBySlug(db: Db, r: Reading, slug: string): PublicInstitution | null {
  const row = prepared(db, `SELECT ${COLUMNS} FROM institution_versions v WHERE v.slug = @slug AND ${validAt(r, 'v')}`).get({ rev: r.rev, slug }) as Raw | undefined;
  return row ? publicInstitution(row) : null;
}

/** The regions of the directory at the reading's revision, for filters. */
export function publicRegions(db: Db, r: Reading): string[] {
  return (prepared(db, `SELECT DISTINCT v.region FROM institution_versions v WHERE v.region IS NOT NULL AND ${validAt(r, 'v')} ORDER BY v.region`).all({ rev: r.rev }) as {
    region: string;
  }[]).map((row) => row.region);
}

export interface PublicCampaign {
  title: string;
  summary: string;
  website: string | null;
  endedOn: string | null;
  outcome: string | null;
  /** JSON: [{ title, url }] */
  outcomeSources: string;
}

/** The campaign's public text at the reading's revision, or null before there was any. */
export function publicCampaign(db: Db, r: Reading): PublicCampaign | null {
  return (prepared(db, `SELECT v.title, v.summary, v.website, v.ended_on AS endedOn, v.outcome, v.outcome_sources AS outcomeSources FROM campaign_versions v WHERE ${validAt(r, 'v')}`).get({ rev: r.rev }) as PublicCampaign | undefined) ?? null;
}

export interface PublicAsk {
  id: number;
  slug: string;
  title: string;
  description: string;
}

/** The campaign's asks at the reading's revision, in their order. */
export function publicAsks(db: Db, r: Reading): PublicAsk[] {
  return prepared(db, `SELECT v.ask_id AS id, v.slug, v.title, v.description FROM ask_versions v WHERE ${validAt(r, 'v')} ORDER BY v.sort_order, v.ask_id`).all({
    rev: r.rev,
  }) as PublicAsk[];
}
