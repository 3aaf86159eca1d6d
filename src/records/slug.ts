import { SLUG_MAX } from '../domain/limits.js';

/**
 * URL slugs from names: "Surrey and Borders Partnership NHS Foundation Trust" →
 * "surrey-and-borders-partnership-nhs-foundation-trust". At most SLUG_MAX characters, cut at a
 * word boundary, so every address stays short whatever the name.
 */
export function slugify(name: string): string {
  const full = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (full.length <= SLUG_MAX) return full;
  const cut = full.slice(0, SLUG_MAX + 1);
  const boundary = cut.lastIndexOf('-');
  return (boundary > SLUG_MAX / 2 ? cut.slice(0, boundary) : full.slice(0, SLUG_MAX)).replace(/-+$/, '');
}

/** A slug not in `taken`: the name's slug, or it with -2, -3… added (still within SLUG_MAX). Adds the result to `taken`. */
export function uniqueSlug(name: string, taken: Set<string>): string {
  const base = slugify(name) || 'institution';
  let slug = base;
  for (let n = 2; taken.has(slug); n++) {
    const suffix = `-${n}`;
    slug = `${base.slice(0, SLUG_MAX - suffix.length).replace(/-+$/, '')}${suffix}`;
  }
  taken.add(slug);
  return slug;
}
