/**
 * The place a keyset page starts from: the instant and id of the last row of the page before.
 * Written `<epoch ms>.<id>` in addresses (`?before=1620297000000.42`).
 */
export interface Cursor {
  /** An instant, epoch milliseconds. */
  at: number;
  id: number;
}

/** The form of a cursor in an address, for schemas. */
export const CURSOR_PATTERN = '^-?\\d{1,15}\\.\\d{1,15}$';
const CURSOR = new RegExp(CURSOR_PATTERN);

export const encodeCursor = (cursor: Cursor): string => `${cursor.at}.${cursor.id}`;

export function decodeCursor(text: string | undefined | null): Cursor | null {
  if (!text || !CURSOR.test(text)) return null;
  const [at, id] = text.split('.');
  return { at: Number(at), id: Number(id) };
}

/** The cursor after the last of these rows. */
export const cursorAfter = (row: { at: number; id: number } | undefined): Cursor | null => (row ? { at: row.at, id: row.id } : null);
