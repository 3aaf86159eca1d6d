import { and, asc, eq, ne, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { institutionAliases, institutions } from '../schema.js';

export type InstitutionRow = typeof institutions.$inferSelect & { aliases: string[] };

/** Every institution with its aliases, in two queries. */
export function institutionRows(db: Db): InstitutionRow[] {
  const rows = db.select().from(institutions).orderBy(asc(institutions.name)).all();
  const aliases = db.select().from(institutionAliases).orderBy(asc(institutionAliases.id)).all();
  const byInstitution = new Map<number, string[]>();
  for (const a of aliases) byInstitution.set(a.institutionId, [...(byInstitution.get(a.institutionId) ?? []), a.alias]);
  return rows.map((r) => ({ ...r, aliases: byInstitution.get(r.id) ?? [] }));
}

export function institutionRowBySlug(db: Db, slug: string): InstitutionRow | null {
  const row = db.select().from(institutions).where(eq(institutions.slug, slug)).get();
  if (!row) return null;
  const aliases = db
    .select({ alias: institutionAliases.alias })
    .from(institutionAliases)
    .where(eq(institutionAliases.institutionId, row.id))
    .orderBy(asc(institutionAliases.id))
    .all();
  return { ...row, aliases: aliases.map((a) => a.alias) };
}

/** The highest institution id so far (0 when there is none). */
export function lastInstitutionId(db: Db): number {
  return db.select({ id: sql<number>`coalesce(max(${institutions.id}), 0)` }).from(institutions).get()!.id;
}

/** Whether names and codes are taken, and slugs' ids: what the institution validator asks of the directory. */
export function directoryLookup(db: Db) {
  const taken = (column: typeof institutions.name | typeof institutions.code, value: string, exceptId: number | null) =>
    db
      .select({ id: institutions.id })
      .from(institutions)
      .where(and(sql`${column} = ${value} COLLATE NOCASE`, exceptId === null ? sql`1 = 1` : ne(institutions.id, exceptId)))
      .get() !== undefined;
  return {
    nameTaken: (name: string, exceptId: number | null) => taken(institutions.name, name, exceptId),
    codeTaken: (code: string, exceptId: number | null) => taken(institutions.code, code, exceptId),
    idOfSlug: (slug: string) => db.select({ id: institutions.id }).from(institutions).where(eq(institutions.slug, slug)).get()?.id ?? null,
  };
}

/** The regions that institutions belong to, for filters. */
export function regions(db: Db): string[] {
  return db
    .selectDistinct({ region: institutions.region })
    .from(institutions)
    .where(sql`${institutions.region} IS NOT NULL`)
    .orderBy(asc(institutions.region))
    .all()
    .map((r) => r.region!);
}

/** The email addresses marked public (institution id → address), of every institution or of one. Private addresses never leave this query. */
export function publicEmails(db: Db, only: number | null): Map<number, string> {
  const rows = db
    .select({ id: institutions.id, email: institutions.email })
    .from(institutions)
    .where(and(eq(institutions.emailPublic, true), sql`${institutions.email} IS NOT NULL`, only === null ? sql`1 = 1` : eq(institutions.id, only)))
    .all();
  return new Map(rows.map((r) => [r.id, r.email!]));
}
