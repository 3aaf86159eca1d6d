/** What the campaigners' forms show: the choices they offer and a record's current values. */
import { askRows, campaignRow } from '../db/queries/campaign.js';
import { eventRecord } from '../db/queries/events.js';
import { awaitingReply, type AwaitingRow } from '../db/queries/follow-up.js';
import { institutionRowBySlug, institutionRows, regions as workingRegions, type InstitutionRow } from '../db/queries/institutions.js';
import { londonTimeOf } from '../domain/calendar.js';
import { DEFAULT_REPLY_WINDOWS } from '../domain/reply-due.js';
import type { EventType } from '../domain/vocabulary.js';
import { campaignView, now, reading, type Ask, type Tracker } from './tracker.js';

export interface EventFormChoices {
  institutions: InstitutionRow[];
  /** For a response: the approaches to the chosen institution still awaiting a reply. */
  contacts: AwaitingRow[];
  asks: Ask[];
  replyWindows: { foi: number; default: number };
}

export function eventFormChoices(t: Tracker, type: EventType, institutionSlug: string | undefined, instant: number): EventFormChoices {
  const institutions = institutionRows(t.db);
  const chosen = institutionSlug ? institutions.find((i) => i.slug === institutionSlug) : undefined;
  const at = now(t, instant);
  const campaign = campaignView(t, at);
  return {
    institutions,
    contacts: type === 'response' && chosen ? awaitingReply(t.db, reading(t, at), chosen.id, 500) : [],
    asks: campaign.asks,
    replyWindows: campaign.replyWindows,
  };
}

/** An event as the edit form's fields, with its status and whether it is deleted; null when there is none. */
export function eventAsFields(t: Tracker, id: number): { fields: Record<string, string>; type: EventType; published: boolean; deleted: boolean } | null {
  const e = eventRecord(t.db, id);
  if (!e) return null;
  const text = (v: string | number | null | undefined) => (v === null || v === undefined ? '' : String(v));
  return {
    type: e.type,
    published: e.status === 'published',
    deleted: e.deletedAt !== null,
    fields: {
      type: e.type,
      institution: text(e.institutionSlug),
      date: e.date,
      time: e.hasTime ? londonTimeOf(e.occurredAt) : '',
      channel: text(e.channel),
      from: text(e.fromName),
      response_type: text(e.responseType),
      answers: text(e.answersEventId),
      summary: e.summary,
      quote: text(e.quote),
      source_title: text(e.source?.title),
      source_url: text(e.source?.url),
      source_publisher: text(e.source?.publisher),
      source_date: text(e.source?.publishedOn),
      status: e.status,
      due_on: e.dueOverrideReason ? text(e.dueOn) : '',
      due_override_reason: text(e.dueOverrideReason),
      ...e.stances,
    },
  };
}

/** The open institutions and the regions, for choosing whom a batch of approaches goes to. */
export function batchChoices(t: Tracker): { institutions: InstitutionRow[]; regions: string[] } {
  return { institutions: institutionRows(t.db).filter((i) => i.active), regions: workingRegions(t.db) };
}

export interface InstitutionFormData {
  /** The institution being edited, or null for a new one. */
  slug: string | null;
  values: Record<string, string>;
  regions: string[];
  /** Every other institution: the possible successors. */
  others: InstitutionRow[];
}

/** The institution form: blank for a new one, its current values for an existing one; null when there is no such institution. */
export function institutionForm(t: Tracker, slug: string | null): InstitutionFormData | null {
  const rows = institutionRows(t.db);
  const base = { regions: workingRegions(t.db), others: rows.filter((i) => i.slug !== slug) };
  if (slug === null) return { slug: null, values: { active: 'true' }, ...base };
  const row = institutionRowBySlug(t.db, slug);
  if (!row) return null;
  const successor = row.successorId ? (rows.find((i) => i.id === row.successorId)?.slug ?? '') : '';
  return {
    slug: row.slug,
    values: {
      name: row.name, kind: row.kind, code: row.code ?? '', region: row.region ?? '', country: row.country ?? '',
      aliases: row.aliases.join('; '), website: row.website ?? '', active: String(row.active), successor,
      email: row.email ?? '', email_public: String(row.emailPublic),
    },
    ...base,
  };
}

/** The campaign form's values and the asks it edits (with their ids, which name their fields). */
export function campaignForm(t: Tracker): { values: Record<string, string>; asks: ReturnType<typeof askRows> } {
  const c = campaignRow(t.db);
  const asks = askRows(t.db);
  const values: Record<string, string> = {
    title: c?.title ?? '',
    summary: c?.summary ?? '',
    website: c?.website ?? '',
    reply_window_default: String(c?.replyWindowDefault ?? DEFAULT_REPLY_WINDOWS.default),
    reply_window_foi: String(c?.replyWindowFoi ?? DEFAULT_REPLY_WINDOWS.foi),
    ended_on: c?.endedOn ?? '',
    outcome: c?.outcome ?? '',
    outcome_sources: (JSON.parse(c?.outcomeSources ?? '[]') as { title: string; url: string }[]).map((s) => `${s.url} ${s.title}`).join('\n'),
  };
  for (const ask of asks) {
    values[`ask_${ask.id}_title`] = ask.title;
    values[`ask_${ask.id}_description`] = ask.description;
  }
  return { values, asks };
}

/** The asks with their ids, for the campaign form shown again with its mistakes. */
export const askList = (t: Tracker) => askRows(t.db);
