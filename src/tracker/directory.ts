/** The directory of institutions: filtered and sorted as at T, and as the about page counts it. */
import { institutionRowBySlug, institutionRows, type InstitutionRow } from '../db/queries/institutions.js';
import { INSTITUTION_KINDS, type InstitutionKind } from '../domain/vocabulary.js';
import { bySilence, campaignView, institutionsAsAt, reading, regions, type Ask, type At, type InstitutionView, type Tracker } from './tracker.js';
import { publicInstitutions } from '../db/queries/directory.js';

export interface DirectoryFilter {
  q?: string | undefined;
  kind?: InstitutionKind | '' | undefined;
  region?: string | undefined;
  approached?: 'yes' | 'no' | '' | undefined;
  sort?: 'name' | 'silence' | 'activity' | undefined;
  /** Ask slug → the stance wanted. */
  stances?: Record<string, string>;
}

export function filterDirectory(all: InstitutionView[], filter: DirectoryFilter): InstitutionView[] {
  const needle = filter.q?.trim().toLowerCase();
  const stances = Object.entries(filter.stances ?? {}).filter(([, wanted]) => wanted);
  let rows = all.filter(
    (i) =>
      (!filter.kind || i.kind === filter.kind) &&
      (!filter.region || i.region === filter.region) &&
      (!filter.approached || i.approached === (filter.approached === 'yes')) &&
      (!needle || i.name.toLowerCase().includes(needle) || i.aliases.some((a) => a.toLowerCase().includes(needle)) || i.code?.toLowerCase() === needle) &&
      stances.every(([ask, wanted]) => i.positions[ask]?.stance === wanted),
  );
  if (filter.sort === 'silence') rows = bySilence(rows);
  if (filter.sort === 'activity') rows = [...rows].sort((a, b) => (b.lastActivity ?? '').localeCompare(a.lastActivity ?? '') || a.name.localeCompare(b.name));
  return rows;
}

export interface DirectoryPage {
  rows: InstitutionView[];
  total: number;
  /** How many institutions of each kind the directory holds (kinds it holds none of left out), in the vocabulary's order. */
  kinds: { kind: InstitutionKind; count: number }[];
  asks: Ask[];
  regions: string[];
}

export function directoryPage(t: Tracker, filter: DirectoryFilter, at: At): DirectoryPage {
  const all = institutionsAsAt(t, at);
  const kinds = INSTITUTION_KINDS.map((kind) => ({ kind, count: all.filter((i) => i.kind === kind).length })).filter((k) => k.count > 0);
  return { rows: filterDirectory(all, filter), total: all.length, kinds, asks: campaignView(t, at).asks, regions: regions(t, at) };
}

/** Institutions as the directory holds them (without figures), by name: for the workspace's lists. */
export function directoryRows(t: Tracker): InstitutionRow[] {
  return institutionRows(t.db);
}

/** One institution as the directory holds it, or null. */
export function directoryRow(t: Tracker, slug: string): InstitutionRow | null {
  return institutionRowBySlug(t.db, slug);
}

/** How many institutions of each kind the directory held at the revision, open and closed. */
export function directoryCounts(t: Tracker, at: At): { kind: InstitutionKind; open: number; closed: number }[] {
  const rows = publicInstitutions(t.db, reading(t, at));
  return INSTITUTION_KINDS.map((kind) => ({
    kind,
    open: rows.filter((r) => r.kind === kind && r.active).length,
    closed: rows.filter((r) => r.kind === kind && !r.active).length,
  })).filter((r) => r.open + r.closed > 0);
}
