import { asc, eq } from 'drizzle-orm';
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
