/** The admins' pages: the users, and the audit log a page at a time. */
import { auditRows, type AuditFilter, type AuditRow } from '../db/queries/audit.js';
import { institutionRows } from '../db/queries/institutions.js';
import { countUsers, userRows, type UserRow } from '../db/queries/users.js';
import type { Cursor } from '../domain/cursor.js';
import type { Tracker } from './tracker.js';

export const AUDIT_PAGE = 50;

export const userList = (t: Tracker): UserRow[] => userRows(t.db);

export const userCount = (t: Tracker): number => countUsers(t.db);

export interface AuditPage {
  rows: AuditRow[];
  /** The cursor of the next (older) page, or null. */
  next: Cursor | null;
  /** For the filters. */
  users: { id: number; name: string }[];
  institutions: { slug: string; name: string }[];
}

/** The audit log, newest first, filtered by user, institution (slug) and period. */
export function auditPage(t: Tracker, filter: Omit<AuditFilter, 'institutionId'> & { institution?: string | undefined }, before: Cursor | null): AuditPage {
  const institutions = institutionRows(t.db);
  const institutionId = filter.institution ? (institutions.find((i) => i.slug === filter.institution)?.id ?? -1) : undefined;
  const rows = auditRows(t.db, { ...filter, institutionId }, before, AUDIT_PAGE + 1);
  const page = rows.slice(0, AUDIT_PAGE);
  const last = page[page.length - 1];
  return {
    rows: page,
    next: rows.length > AUDIT_PAGE && last ? { at: last.at, id: last.id } : null,
    users: userRows(t.db).map(({ id, name }) => ({ id, name })),
    institutions: institutions.map(({ slug, name }) => ({ slug, name })),
  };
}
