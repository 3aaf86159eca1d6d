/**
 * What every validator shares: the one result shape (a value, or a message per field), and
 * reading the text people typed into a form or a CSV cell.
 */

/** A message per field name, for the form to show beside each field. */
export type FieldErrors = Record<string, string>;

export type Result<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });

/** The first message per field wins. */
export function addError(errors: FieldErrors, field: string, message: string | null): void {
  if (message !== null && errors[field] === undefined) errors[field] = message;
}

export const hasErrors = (errors: FieldErrors): boolean => Object.keys(errors).length > 0;

/** A trimmed value, or null when there is none. */
export const orNull = (value: string | undefined | null): string | null => (value === undefined || value === null || value.trim() === '' ? null : value.trim());

export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Each of a list written `a; b` (or one a line), trimmed, without repeats. */
export function listOf(text: string | undefined | null): string[] {
  return [...new Set((text ?? '').split(/[;\n]/).map((a) => a.trim()).filter(Boolean))];
}
