/** Admins' changes to the directory and to the campaign, each with its audit row. */
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { directoryLookup, type InstitutionRow } from '../db/queries/institutions.js';
import { asks, campaign, institutionAliases, institutions } from '../db/schema.js';
import { TEXT_LIMITS, tooLong } from '../domain/limits.js';
import { londonDateOf, parseDate } from '../domain/calendar.js';
import { recordAudit, type Actor } from './audit.js';
import { EVENT_COLUMNS, EVENT_ID_COLUMN } from '../domain/spreadsheets.js';
import { RecordNotFound } from './errors.js';
import { addError, isHttpUrl, ok, orNull, type FieldErrors, type Result } from './fields.js';
import type { Tx } from './events.js';
import { insertInstitutions, validateInstitution, type InstitutionFields, type ValidInstitution } from './institutions.js';
import { Revision, syncCampaign, syncInstitution } from './revisions.js';

export type { InstitutionFields };

/**
 * Adds an institution (id null) or edits one. Its address (slug) never changes, so links keep
 * working. Throws RecordNotFound for an id that is not in the directory.
 */
export function saveInstitution(db: Db, id: number | null, f: InstitutionFields, actor: Actor, now: number): Result<{ slug: string }> {
  const checked = validateInstitution(f, directoryLookup(db), id);
  if (!checked.ok) return checked;
  return db.transaction((tx) => {
    if (id === null) {
      const [institutionId] = insertInstitutions(tx, [checked.value], now);
      const revision = new Revision(tx, actor, 'institution.create', now);
      syncInstitution(tx, institutionId!, revision);
      recordAudit(tx, actor, { action: 'institution.create', entityType: 'institution', entityId: institutionId!, institutionId, after: checked.value, revisionId: revision.made }, now);
      return ok({ slug: tx.select({ slug: institutions.slug }).from(institutions).where(eq(institutions.id, institutionId!)).get()!.slug });
    }
    const row = tx.select().from(institutions).where(eq(institutions.id, id)).get();
    if (!row) throw new RecordNotFound('There is no such institution');
    const oldAliases = tx.select({ alias: institutionAliases.alias }).from(institutionAliases).where(eq(institutionAliases.institutionId, id)).orderBy(asc(institutionAliases.id)).all();
    writeInstitutionEdit(tx, { ...row, aliases: oldAliases.map((a) => a.alias) }, checked.value, new Revision(tx, actor, 'institution.update', now), actor, now);
    return ok({ slug: row.slug });
  });
}

/**
 * Writes a checked edit of an institution (its columns and other names) under `revision`, with
 * its audit row: what the admin form and a spreadsheet's updated row both do. `extra` adds to the
 * audit row (the line of the spreadsheet, say).
 */
export function writeInstitutionEdit(tx: Tx | Db, before: InstitutionRow, after: ValidInstitution, revision: Revision, actor: Actor, now: number, extra: Record<string, unknown> = {}): void {
  const { aliases, ...values } = after;
  tx.update(institutions).set(values).where(eq(institutions.id, before.id)).run();
  tx.delete(institutionAliases).where(eq(institutionAliases.institutionId, before.id)).run();
  if (aliases.length > 0) tx.insert(institutionAliases).values(aliases.map((alias) => ({ institutionId: before.id, alias }))).run();
  syncInstitution(tx, before.id, revision);
  recordAudit(tx, actor, { action: 'institution.update', entityType: 'institution', entityId: before.id, institutionId: before.id, before, after: { ...after, ...extra }, revisionId: revision.made }, now);
}

export interface CampaignFields {
  title?: string;
  summary?: string;
  website?: string;
  reply_window_default?: string;
  reply_window_foi?: string;
  ended_on?: string;
  outcome?: string;
  /** One source a line: its web address, a space, its title. */
  outcome_sources?: string;
  [askField: string]: string | undefined;
}

/** Field names an ask's slug may not take: they are columns of the import and fields of the forms. */
const RESERVED = new Set<string>([...EVENT_COLUMNS, EVENT_ID_COLUMN, 'answers', 'due_on', 'due_override_reason', 'correction_note', 'type', '_csrf']);

/**
 * Saves the campaign's text, reply windows and asks. Asks are edited in place (title and
 * description) and new ones added; an ask is never removed, so no stated position is lost.
 */
export function saveCampaign(db: Db, f: CampaignFields, actor: Actor, now: number): Result<null> {
  const errors: FieldErrors = {};
  const title = orNull(f.title);
  const summary = orNull(f.summary);
  if (!title) errors.title = 'Enter the campaign’s title';
  addError(errors, 'title', tooLong(title, TEXT_LIMITS.campaignTitle, 'the title'));
  if (!summary) errors.summary = 'Enter a short summary of the campaign';
  addError(errors, 'summary', tooLong(summary, TEXT_LIMITS.campaignSummary, 'the summary'));
  const website = orNull(f.website);
  if (website && !isHttpUrl(website)) errors.website = 'Enter a web address starting http:// or https://';
  addError(errors, 'website', tooLong(website, TEXT_LIMITS.url, 'the web address'));
  const windowOf = (key: 'reply_window_default' | 'reply_window_foi', min: number) => {
    const text = orNull(f[key]) ?? '';
    const n = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
    if (!(n >= min && n <= 100)) errors[key] = `Enter a whole number of working days from ${min} to 100`;
    return n;
  };
  const replyWindowDefault = windowOf('reply_window_default', 1);
  const replyWindowFoi = windowOf('reply_window_foi', 20);
  let endedOn: string | null = null;
  const endedText = orNull(f.ended_on);
  if (endedText) {
    const parsed = parseDate(endedText);
    if (!parsed.ok) errors.ended_on = parsed.message;
    else if (parsed.value > londonDateOf(now)) errors.ended_on = 'The campaign cannot end on a date in the future; leave this empty while it runs';
    else endedOn = parsed.value;
  }
  const outcome = orNull(f.outcome);
  addError(errors, 'outcome', tooLong(outcome, TEXT_LIMITS.campaignSummary, 'the outcome'));
  const outcomeSources: { title: string; url: string }[] = [];
  for (const [i, line] of (f.outcome_sources ?? '').split(/\r?\n/).map((l) => l.trim()).entries()) {
    if (!line) continue;
    const [url = '', ...words] = line.split(/\s+/);
    const title = words.join(' ');
    if (!isHttpUrl(url) || !title) errors.outcome_sources ??= `Line ${i + 1}: give a web address starting http:// or https://, a space, then the source’s title`;
    else if (tooLong(url, TEXT_LIMITS.url, 'a web address') || tooLong(title, TEXT_LIMITS.sourceTitle, 'a title')) errors.outcome_sources ??= `Line ${i + 1} is too long`;
    else outcomeSources.push({ title, url });
  }
  if (outcomeSources.length > 10) errors.outcome_sources = 'Give at most 10 sources';
  if ((outcome || outcomeSources.length > 0) && !endedOn && !errors.ended_on) errors.ended_on = 'Give the date the campaign ended, or leave the outcome empty';

  const existing = db.select().from(asks).orderBy(asks.sortOrder, asks.id).all();
  for (const ask of existing) {
    if (!orNull(f[`ask_${ask.id}_title`])) errors[`ask_${ask.id}_title`] = `Enter a title for the ask “${ask.slug}”`;
    addError(errors, `ask_${ask.id}_title`, tooLong(orNull(f[`ask_${ask.id}_title`]), TEXT_LIMITS.askTitle, 'the title'));
    if (!orNull(f[`ask_${ask.id}_description`])) errors[`ask_${ask.id}_description`] = `Enter a description for the ask “${ask.slug}”`;
    addError(errors, `ask_${ask.id}_description`, tooLong(orNull(f[`ask_${ask.id}_description`]), TEXT_LIMITS.askDescription, 'the description'));
  }
  const newSlug = orNull(f.new_ask_slug);
  const newTitle = orNull(f.new_ask_title);
  const newDescription = orNull(f.new_ask_description);
  if (newSlug || newTitle || newDescription) {
    if (!newSlug || !/^[a-z][a-z0-9-]{0,30}$/.test(newSlug)) errors.new_ask_slug = 'Give the new ask a short name in lower case letters, digits and hyphens, such as “publish-data”';
    else if (RESERVED.has(newSlug) || existing.some((a) => a.slug === newSlug)) errors.new_ask_slug = `“${newSlug}” is already used; choose another short name`;
    if (!newTitle) errors.new_ask_title = 'Enter a title for the new ask';
    addError(errors, 'new_ask_title', tooLong(newTitle, TEXT_LIMITS.askTitle, 'the title'));
    if (!newDescription) errors.new_ask_description = 'Enter a description for the new ask';
    addError(errors, 'new_ask_description', tooLong(newDescription, TEXT_LIMITS.askDescription, 'the description'));
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  db.transaction((tx) => {
    const before = { campaign: tx.select().from(campaign).get(), asks: existing };
    tx.update(campaign)
      .set({ title: title!, summary: summary!, website, replyWindowDefault, replyWindowFoi, endedOn, outcome, outcomeSources: JSON.stringify(outcomeSources) })
      .where(eq(campaign.id, 1))
      .run();
    for (const ask of existing) {
      tx.update(asks).set({ title: f[`ask_${ask.id}_title`]!.trim(), description: f[`ask_${ask.id}_description`]!.trim() }).where(eq(asks.id, ask.id)).run();
    }
    if (newSlug) tx.insert(asks).values({ slug: newSlug, title: newTitle!, description: newDescription!, sortOrder: existing.length }).run();
    const after = { campaign: tx.select().from(campaign).get(), asks: tx.select().from(asks).all() };
    const revision = new Revision(tx, actor, 'campaign.update', now);
    syncCampaign(tx, revision);
    recordAudit(tx, actor, { action: 'campaign.update', entityType: 'campaign', entityId: 1, before, after, revisionId: revision.made }, now);
  });
  return ok(null);
}
