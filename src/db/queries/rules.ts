/**
 * What the event rules read of the tracker (records/event-rules.ts), in plain SQL: the thread
 * that checks an import's rows loads the rules, and so no query builder or schema.
 */
import type { Db } from '../client.js';
import { prepared } from './prepared.js';

/** The asks' slugs and ids, in the campaign's order. */
export function askSlugs(db: Db): [slug: string, id: number][] {
  return (prepared(db, 'SELECT slug, id FROM asks ORDER BY sort_order, id').all() as { slug: string; id: number }[]).map((a) => [a.slug, a.id]);
}

/** The campaign's reply windows (working days), or null before the campaign is loaded. */
export function replyWindowRow(db: Db): { foi: number; default: number } | null {
  return (prepared(db, 'SELECT reply_window_foi AS foi, reply_window_default AS "default" FROM campaign LIMIT 1').get() as { foi: number; default: number } | undefined) ?? null;
}

/** Every institution's id, slug, name and code, and every other name, as the matcher takes them. */
export function directoryNames(db: Db): { rows: { id: number; slug: string; name: string; code: string | null }[]; aliases: { institutionId: number; alias: string }[] } {
  return {
    rows: prepared(db, 'SELECT id, slug, name, code FROM institutions ORDER BY id').all() as { id: number; slug: string; name: string; code: string | null }[],
    aliases: prepared(db, 'SELECT institution_id AS institutionId, alias FROM institution_aliases').all() as { institutionId: number; alias: string }[],
  };
}

/** The approach (a contact) with this id: its institution and instant. */
export function contactRow(db: Db, id: number): { institutionId: number | null; occurredAt: number } | null {
  return (prepared(db, "SELECT institution_id AS institutionId, occurred_at AS occurredAt FROM events WHERE id = ? AND type = 'contact'").get(id) as { institutionId: number | null; occurredAt: number } | undefined) ?? null;
}
