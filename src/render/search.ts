/**
 * What a search matched, for the timeline to mark: the text of each event in parts (the
 * template prints each part escaped, the matched ones inside <mark>), and the other names of an
 * institution that a search found it by, which the events themselves do not show.
 */
import { highlight, matches, type Search, type Segment } from '../domain/search.js';

export interface SearchMarks {
  /** The text in parts, the words the search looks for marked. */
  text: (text: string | null) => Segment[];
  /** The other names of the institution (by slug) that the search matched, each in parts. */
  otherNames: (slug: string | null) => Segment[][];
}

/** The marks of a search, or null when there is no search. */
export function searchMarks(search: Search | null, institutions: { slug: string; aliases: string[] }[]): SearchMarks | null {
  if (!search) return null;
  const aliases = new Map(institutions.map((i) => [i.slug, i.aliases]));
  return {
    text: (text) => highlight(text ?? '', search),
    otherNames: (slug) => (slug === null ? [] : (aliases.get(slug) ?? []).filter((name) => matches(name, search)).map((name) => highlight(name, search))),
  };
}
