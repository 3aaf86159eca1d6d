/**
 * Full-text search of the public record (SQLite FTS5; migrations/0009_search.sql makes the
 * indexes and the triggers that keep them in step). `event_search` holds one row per event
 * version (summary, quote, who made the approach, sources' titles and publishers) and
 * `institution_search` one per institution version (name and other names), each under its
 * version's id. A phrase finds an event version when the version's own text has it, or when its
 * institution, as the directory stood at the revision read, is named so: joined back on the
 * version ids, a search keeps every condition of the reading it is part of.
 */
import type { Db } from '../client.js';
import type { Search, SearchPhrase } from '../../domain/search.js';
import { prepared } from './prepared.js';
import { readingParams, validAt, type Reading } from './reading.js';

/**
 * A phrase in FTS5's query language. Its words hold only letters and digits (src/domain/search.ts),
 * and are quoted, so nothing typed can be read as an operator.
 */
export const ftsPhrase = (phrase: SearchPhrase): string => `"${phrase.words.join(' ')}"${phrase.prefix ? '*' : ''}`;

/** A search as SQL over event versions (alias `e`) with their institution's version at the reading (alias `i`, left-joined). */
export interface SearchSql {
  /**
   * A SELECT of the ids (`version_id`) of the event versions valid at the reading that the
   * search finds, to start a query from when they are few; null when the search only leaves
   * things out.
   */
  hits: string | null;
  /** The same as a condition on `e` and `i`, for a query that walks the events in time order; null when the search only leaves things out. */
  matches: string | null;
  /** Conditions on `e` and `i`: the events the search leaves out. */
  without: string[];
}

/** The event versions a phrase finds by their own text. */
const byText = (p: string) => `SELECT rowid AS version_id FROM event_search WHERE event_search MATCH ${p}`;

/** The event versions valid at the reading whose institution, as the directory stood then, a phrase finds by its names. */
const byInstitution = (r: Reading, p: string) => `SELECT e.version_id FROM institution_search s
  JOIN institution_versions i ON i.version_id = s.rowid AND ${validAt(r, 'i')}
  JOIN event_versions e ON e.institution_id = i.institution_id AND ${validAt(r, 'e')}
  WHERE institution_search MATCH ${p}`;

/** The search as SQL; each phrase is added to `params` as `@search<n>`. */
export function searchSql(r: Reading, search: Search, params: Record<string, unknown>): SearchSql {
  let n = 0;
  const param = (phrase: SearchPhrase): string => {
    const name = `search${n++}`;
    params[name] = ftsPhrase(phrase);
    return `@${name}`;
  };
  const groups = search.anyOf.map((all) => all.map(param));
  const has = (p: string) =>
    `(e.version_id IN (${byText(p)}) OR (i.version_id IS NOT NULL AND i.version_id IN (SELECT rowid FROM institution_search WHERE institution_search MATCH ${p})))`;
  const found = (p: string) => `SELECT version_id FROM (${byText(p)} UNION ${byInstitution(r, p)})`;
  return {
    hits: groups.length > 0 ? groups.map((all) => `SELECT version_id FROM (${all.map(found).join(' INTERSECT ')})`).join(' UNION ') : null,
    matches: groups.length > 0 ? `(${groups.map((all) => `(${all.map(has).join(' AND ')})`).join(' OR ')})` : null,
    without: search.without.map((phrase) => `NOT ${has(param(phrase))}`),
  };
}

/**
 * At most how many event versions the search finds at the reading, counting no further than
 * `cap`: for each alternative, the fewest any one of its phrases finds. Null when the search
 * only leaves things out. A few small counts, each stopping at the cap.
 */
export function hitBound(db: Db, r: Reading, search: Search, cap: number): number | null {
  if (search.anyOf.length === 0) return null;
  const count = (sql: string, phrase: SearchPhrase) =>
    (prepared(db, `SELECT count(*) AS n FROM (${sql} LIMIT @cap)`).get({ ...readingParams(r), phrase: ftsPhrase(phrase), cap }) as { n: number }).n;
  const found = (phrase: SearchPhrase) => Math.min(cap, count(byText('@phrase'), phrase) + count(byInstitution(r, '@phrase'), phrase));
  return Math.min(cap, search.anyOf.reduce((sum, all) => sum + Math.min(...all.map(found)), 0));
}
