/**
 * Which state of the public record a query reads: as at the moment `asOf`, as the record stood
 * at revision `rev`. When `rev` is the latest revision the queries read the current versions
 * (`rev_to IS NULL`), which their partial indexes answer as fast as a table with no history;
 * otherwise the versions valid at `rev`.
 */
import type { Db } from '../client.js';
import { prepared } from './prepared.js';

export interface Reading {
  /** The moment (epoch ms): only events at or before it count. */
  asOf: number;
  /** The revision of the record. */
  rev: number;
  /** True when `rev` is the latest revision. */
  latest: boolean;
}

/** A versioned row (alias `t`) valid at the reading's revision. */
export function validAt(r: Reading, alias: string): string {
  return r.latest ? `${alias}.rev_to IS NULL` : `${alias}.rev_from <= @rev AND (${alias}.rev_to IS NULL OR ${alias}.rev_to > @rev)`;
}

/** An event version (alias `e`) that counts for the reading: valid at its revision and at or before its moment. */
export function visible(r: Reading, alias = 'e'): string {
  return `${validAt(r, alias)} AND ${alias}.occurred_at <= @asOf`;
}

/** The parameters every reading's query takes. */
export const readingParams = (r: Reading) => ({ asOf: r.asOf, rev: r.rev });

/** The latest revision of the public record (0 before the first). */
export function latestRevision(db: Db): number {
  return (prepared(db, 'SELECT coalesce(max(id), 0) AS n FROM revisions').get() as { n: number }).n;
}
