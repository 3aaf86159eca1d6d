/** Admins' changes to the directory and to the campaign, each with its audit row. */
import { and, eq, ne, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { asks, campaign, institutionAliases, institutions } from '../db/schema.js';
import { INSTITUTION_KINDS, isOneOf, type InstitutionKind } from '../domain/vocabulary.js';
import { recordAudit, type Actor } from './audit.js';
import { EVENT_COLUMNS } from './csv-import.js';
import { isHttpUrl, orNull } from './event-fields.js';
import { uniqueSlug } from './slug.js';
import type { FieldErrors } from './users.js';

export interface InstitutionFields {
  name?: string;
  kind?: string;
  code?: string;
  region?: string;
  country?: string;
  aliases?: string;
  website?: string;
  active?: string;
  successor?: string;
}


function checkInstitution(db: Db, f: InstitutionFields, id: number | null): { errors: FieldErrors; successorId: number | null } {
  const errors: FieldErrors = {};
  const name = orNull(f.name);
  const others = (column: typeof institutions.name | typeof institutions.code, value: string) =>
    db
      .select({ id: institutions.id })
      .from(institutions)
      .where(and(sql`${column} = ${value} COLLATE NOCASE`, id === null ? sql`1 = 1` : ne(institutions.id, id)))
      .get();
  if (!name) errors.name = 'Enter the institution’s name';
  else if (others(institutions.name, name)) errors.name = 'Another institution already has this name';
  if (!isOneOf(INSTITUTION_KINDS, f.kind)) errors.kind = 'Choose a kind';
  const code = orNull(f.code);
  if (code && others(institutions.code, code)) errors.code = 'Another institution already has this code';
  const website = orNull(f.website);
  if (website && !isHttpUrl(website)) errors.website = 'Enter a web address starting http:// or https://';
  if (f.active !== 'true' && f.active !== 'false') errors.active = 'Say whether it is open or closed';
  let successorId: number | null = null;
  const successor = orNull(f.successor);
  if (successor) {
    const row = db.select({ id: institutions.id }).from(institutions).where(eq(institutions.slug, successor)).get();
    if (!row || row.id === id) errors.successor = 'Choose another institution from the list';
    else successorId = row.id;
  }
  if (successorId !== null && f.active === 'true') errors.successor = 'Only a closed institution has a successor';
  return { errors, successorId };
}

function aliasList(text: string | undefined): string[] {
  return [...new Set((text ?? '').split(/[;\n]/).map((a) => a.trim()).filter(Boolean))];
}

export function saveInstitution(db: Db, id: number | null, f: InstitutionFields, actor: Actor, now: number): { ok: true; slug: string } | { ok: false; errors: FieldErrors } {
  const { errors, successorId } = checkInstitution(db, f, id);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const values = {
    name: f.name!.trim(),
    kind: f.kind as InstitutionKind,
    code: orNull(f.code),
    region: orNull(f.region),
    country: orNull(f.country),
    website: orNull(f.website),
    active: f.active === 'true',
    successorId,
  };
  const aliases = aliasList(f.aliases);
  return db.transaction((tx) => {
    let slug: string;
    let institutionId: number;
    let before: unknown;
    if (id === null) {
      const taken = new Set(tx.select({ slug: institutions.slug }).from(institutions).all().map((r) => r.slug));
      slug = uniqueSlug(values.name, taken);
      institutionId = tx.insert(institutions).values({ ...values, slug, createdAt: now }).returning({ id: institutions.id }).get().id;
    } else {
      const row = tx.select().from(institutions).where(eq(institutions.id, id)).get()!;
      const oldAliases = tx.select({ alias: institutionAliases.alias }).from(institutionAliases).where(eq(institutionAliases.institutionId, id)).all();
      before = { ...row, aliases: oldAliases.map((a) => a.alias) };
      slug = row.slug; // the address stays, so links keep working
      institutionId = id;
      tx.update(institutions).set(values).where(eq(institutions.id, id)).run();
      tx.delete(institutionAliases).where(eq(institutionAliases.institutionId, id)).run();
    }
    if (aliases.length > 0) tx.insert(institutionAliases).values(aliases.map((alias) => ({ institutionId, alias }))).run();
    recordAudit(tx, actor, { action: id === null ? 'institution.create' : 'institution.update', entityType: 'institution', entityId: institutionId, institutionId, before, after: { ...values, aliases } }, now);
    return { ok: true as const, slug };
  });
}

export interface CampaignFields {
  title?: string;
  summary?: string;
  website?: string;
  reply_window_default?: string;
  reply_window_foi?: string;
  [askField: string]: string | undefined;
}

/** Field names an ask's slug may not take: they are columns of the import and fields of the forms. */
const RESERVED = new Set<string>([...EVENT_COLUMNS, 'answers', 'due_on', 'due_override_reason', 'correction_note', 'type', '_csrf']);

/**
 * Saves the campaign's text, reply windows and asks. Asks are edited in place (title and
 * description) and new ones added; an ask is never removed, so no stated position is lost.
 */
export function saveCampaign(db: Db, f: CampaignFields, actor: Actor, now: number): { ok: true } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const title = orNull(f.title);
  const summary = orNull(f.summary);
  if (!title) errors.title = 'Enter the campaign’s title';
  if (!summary) errors.summary = 'Enter a short summary of the campaign';
  const website = orNull(f.website);
  if (website && !isHttpUrl(website)) errors.website = 'Enter a web address starting http:// or https://';
  const windowOf = (key: 'reply_window_default' | 'reply_window_foi', min: number) => {
    const text = orNull(f[key]) ?? '';
    const n = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
    if (!(n >= min && n <= 100)) errors[key] = `Enter a whole number of working days from ${min} to 100`;
    return n;
  };
  const replyWindowDefault = windowOf('reply_window_default', 1);
  const replyWindowFoi = windowOf('reply_window_foi', 20);
  const existing = db.select().from(asks).orderBy(asks.sortOrder, asks.id).all();
  for (const ask of existing) {
    if (!orNull(f[`ask_${ask.id}_title`])) errors[`ask_${ask.id}_title`] = `Enter a title for the ask “${ask.slug}”`;
    if (!orNull(f[`ask_${ask.id}_description`])) errors[`ask_${ask.id}_description`] = `Enter a description for the ask “${ask.slug}”`;
  }
  const newSlug = orNull(f.new_ask_slug);
  const newTitle = orNull(f.new_ask_title);
  const newDescription = orNull(f.new_ask_description);
  if (newSlug || newTitle || newDescription) {
    if (!newSlug || !/^[a-z][a-z0-9-]{0,30}$/.test(newSlug)) errors.new_ask_slug = 'Give the new ask a short name in lower case letters, digits and hyphens, such as “publish-data”';
    else if (RESERVED.has(newSlug) || existing.some((a) => a.slug === newSlug)) errors.new_ask_slug = `“${newSlug}” is already used; choose another short name`;
    if (!newTitle) errors.new_ask_title = 'Enter a title for the new ask';
    if (!newDescription) errors.new_ask_description = 'Enter a description for the new ask';
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  db.transaction((tx) => {
    const before = { campaign: tx.select().from(campaign).get(), asks: existing };
    tx.update(campaign).set({ title: title!, summary: summary!, website, replyWindowDefault, replyWindowFoi }).where(eq(campaign.id, 1)).run();
    for (const ask of existing) {
      tx.update(asks).set({ title: f[`ask_${ask.id}_title`]!.trim(), description: f[`ask_${ask.id}_description`]!.trim() }).where(eq(asks.id, ask.id)).run();
    }
    if (newSlug) tx.insert(asks).values({ slug: newSlug, title: newTitle!, description: newDescription!, sortOrder: existing.length }).run();
    const after = { campaign: tx.select().from(campaign).get(), asks: tx.select().from(asks).all() };
    recordAudit(tx, actor, { action: 'campaign.update', entityType: 'campaign', entityId: 1, before, after }, now);
  });
  return { ok: true };
}
