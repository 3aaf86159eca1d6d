/** Changes to the record in words, for the "revised since" notice, /corrections and /changes. */
import type { ChangeJson } from '../contract.js';
import { isoInstant } from '../domain/calendar.js';
import type { EventSide, FieldChange, RecordChange } from '../tracker/revisions.js';
import { instantLabel, longDate } from './format.js';

const NOUN: Record<string, string> = { contact: 'approach', response: 'response', milestone: 'milestone' };

/** "the approach to NHS England of 23 April 2021" */
export function eventPhrase(e: EventSide): string {
  const noun = NOUN[e.type] ?? 'event';
  const who = e.institutionName ? (e.type === 'contact' ? ` to ${e.institutionName}` : e.type === 'response' ? ` from ${e.institutionName}` : ` about ${e.institutionName}`) : ' (campaign-wide)';
  return `the ${noun}${who} of ${longDate(e.date)}`;
}

const DATE_FIELDS = new Set(['date', 'reply due date']);

/** "its date from 23 April 2021 to 26 April 2021; its summary" */
export function fieldsPhrase(fields: FieldChange[]): string {
  return fields
    .map((f) => {
      const show = (v: string) => (DATE_FIELDS.has(f.field) && /^\d{4}-\d{2}-\d{2}$/.test(v) ? longDate(v) : v);
      // Long texts are named, not quoted: the change's own page shows them in full.
      if (f.before.length > 80 || f.after.length > 80) return `its ${f.field}`;
      return `its ${f.field} from ${show(f.before)} to ${show(f.after)}`;
    })
    .join('; ');
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** One change as a sentence. */
export function describeChange(c: RecordChange): string {
  switch (c.subject) {
    case 'event': {
      if (c.kind === 'corrected') return `${capital(eventPhrase(c.before!))} was corrected${c.fields.length ? `: ${fieldsPhrase(c.fields)}` : ''}.`;
      if (c.kind === 'deleted') return `${capital(eventPhrase(c.before!))} was deleted.`;
      if (c.kind === 'restored') return `${capital(eventPhrase(c.after!))} was restored.`;
      const phrase = eventPhrase(c.after!).replace(/^the /, '');
      return c.late ? `A${/^[aeiou]/.test(phrase) ? 'n' : ''} ${phrase} was added late, on ${longDate(new Date(c.at).toISOString().slice(0, 10))}.` : `A${/^[aeiou]/.test(phrase) ? 'n' : ''} ${phrase} was added.`;
    }
    case 'institution':
      return `${c.institutionName}: ${fieldsPhrase(c.fields)} changed.`;
    case 'ask':
      return c.kind === 'added' ? `A new ask was added: “${c.askTitle}”.` : `The ask “${c.askTitle}” was reworded: ${fieldsPhrase(c.fields)}.`;
    case 'note':
      return 'An event was corrected (before the tracker kept every revision, so the earlier version is not shown).';
  }
}

/** The address of the thing a change is about, on this tracker. */
export function changeHref(c: RecordChange): string | null {
  if (c.subject === 'event' || c.subject === 'note') return c.subject === 'event' && c.kind === 'deleted' ? null : `/events/${c.eventId}`;
  if (c.subject === 'institution') return `/institutions/${c.institutionSlug}`;
  return '/';
}

/** A change as the JSON answers give it. */
export function changeJson(c: RecordChange, baseUrl: string): ChangeJson {
  const href = changeHref(c);
  return {
    revision: c.revision,
    recordedAt: isoInstant(c.at),
    note: c.note,
    subject: c.subject,
    kind: c.kind,
    late: c.subject === 'event' && c.late,
    description: describeChange(c),
    eventId: c.subject === 'event' || c.subject === 'note' ? c.eventId : null,
    institution: c.subject === 'institution' ? c.institutionSlug : c.subject === 'event' ? (c.after ?? c.before)?.institutionSlug ?? null : null,
    url: href === null ? null : `${baseUrl}${href}`,
    fields: c.subject === 'note' ? [] : c.fields,
  };
}

const KIND_LABEL: Record<RecordChange['kind'], string> = { added: 'Added late', corrected: 'Corrected', deleted: 'Deleted', restored: 'Restored', changed: 'Changed' };

/** A change as pages show it: its revision and time, what happened, the note, each field before and after. */
export interface ChangeView {
  revision: number;
  /** Unique on the page and stable: the revision and the change's place in it. */
  anchor: string;
  iso: string;
  label: string;
  kind: string;
  text: string;
  note: string | null;
  href: string | null;
  fields: { field: string; before: string; after: string }[];
}

export function changeView(c: RecordChange, place = 0): ChangeView {
  const show = (field: string, v: string) => (DATE_FIELDS.has(field) && /^\d{4}-\d{2}-\d{2}$/.test(v) ? longDate(v) : v);
  return {
    revision: c.revision,
    anchor: `change-${c.revision}-${place + 1}`,
    iso: isoInstant(c.at),
    label: instantLabel(c.at),
    kind: c.subject === 'event' && c.kind === 'added' && !c.late ? 'Added' : KIND_LABEL[c.kind],
    text: describeChange(c),
    note: c.note,
    href: changeHref(c),
    fields: c.subject === 'note' ? [] : c.fields.map((f) => ({ field: f.field, before: show(f.field, f.before), after: show(f.field, f.after) })),
  };
}

/** A list of changes as pages show them; `skip` changes of the first revision came before the list. */
export function changeViews(list: RecordChange[], skip = 0): ChangeView[] {
  const seen = new Map<number, number>();
  return list.map((c, i) => {
    const place = seen.get(c.revision) ?? (i === 0 ? skip : 0);
    seen.set(c.revision, place + 1);
    return changeView(c, place);
  });
}

/** `before=57.3`: the next page of corrections starts in revision 57 after its first 3 changes. */
export const encodeCorrectionsCursor = (c: { rev: number; skip: number }): string => (c.skip ? `${c.rev}.${c.skip}` : String(c.rev));

export function decodeCorrectionsCursor(text: string | undefined): { rev: number; skip: number } | null {
  if (!text) return null;
  const [rev, skip = '0'] = text.split('.');
  return { rev: Number(rev), skip: Number(skip) };
}
