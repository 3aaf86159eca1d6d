/** URL slugs from names: "Surrey and Borders Partnership NHS Foundation Trust" → "surrey-and-borders-partnership-nhs-foundation-trust". */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** A slug not in `taken`: the name's slug, or it with -2, -3… added. Adds the result to `taken`. */
export function uniqueSlug(name: string, taken: Set<string>): string {
  const base = slugify(name) || 'institution';
  let slug = base;
  for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
  taken.add(slug);
  return slug;
}
