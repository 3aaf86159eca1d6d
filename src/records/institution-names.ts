/**
 * Matching the names people write (in a form, a CSV row) to the directory's institutions. No
 * database: the names are given (db/queries/rules.ts reads them), so that a worker thread can
 * match an import's rows.
 */

/** The names of the directory's institutions (slug, code, name) and their other names: what an InstitutionMatcher matches against. */
export interface DirectoryNames {
  rows: { id: number; slug: string; name: string; code: string | null }[];
  aliases: { institutionId: number; alias: string }[];
}

export type Match = { found: true; id: number; name: string } | { found: false; reason: string };

/**
 * Finds institutions by slug, code, exact name or alias, ignoring case. A slug, code or name
 * wins over an alias; a value that fits more than one institution equally well is refused.
 */
export class InstitutionMatcher {
  private readonly tiers: Map<string, Set<number>>[] = [new Map(), new Map()];
  private readonly names = new Map<number, string>();

  constructor({ rows, aliases }: DirectoryNames) {
    for (const r of rows) {
      this.names.set(r.id, r.name);
      for (const key of [r.slug, r.code, r.name]) if (key) this.add(0, key, r.id);
    }
    for (const a of aliases) this.add(1, a.alias, a.institutionId);
  }

  private add(tier: number, key: string, id: number): void {
    const k = key.trim().toLowerCase();
    const ids = this.tiers[tier]!.get(k) ?? new Set<number>();
    ids.add(id);
    this.tiers[tier]!.set(k, ids);
  }

  has(text: string): boolean {
    return this.tiers.some((tier) => tier.has(text.trim().toLowerCase()));
  }

  find(text: string): Match {
    const key = text.trim().toLowerCase();
    for (const tier of this.tiers) {
      const ids = tier.get(key);
      if (!ids) continue;
      if (ids.size === 1) {
        const id = [...ids][0]!;
        return { found: true, id, name: this.names.get(id)! };
      }
      const names = [...ids].map((id) => this.names.get(id)).join('; ');
      return { found: false, reason: `“${text}” could mean more than one institution (${names}); use its slug or code` };
    }
    return { found: false, reason: `no institution has the slug, code, name or alias “${text}”` };
  }
}
