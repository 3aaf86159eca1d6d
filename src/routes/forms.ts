/** Reading form bodies: each field as text (a field sent twice keeps its first value), and lists. */
export type FormBody = Record<string, string | string[] | undefined>;

export const textFields = (body: FormBody | undefined): Record<string, string | undefined> =>
  Object.fromEntries(Object.entries(body ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));

/** Every value of a field that may be sent many times (ticked boxes). */
export const listField = (body: FormBody | undefined, name: string): string[] => [body?.[name] ?? []].flat().filter((v): v is string => typeof v === 'string');
