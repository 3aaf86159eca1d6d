/**
 * Searching the record: what a reader types in the search box, read into the phrases the
 * full-text index looks for; and the words of a text that a search matched, to mark them.
 *
 * What readers may type: words (every one must appear, in any order), "a phrase" in double
 * quotes (its words together, in order), `OR` in capitals between alternatives, `-word` or
 * `-"a phrase"` to leave out events that have it, and `polic*` for any word that starts so.
 * Nothing else is syntax: brackets, commas, colons, carets and lone stars are spaces, and `NEAR`,
 * `AND` and `NOT` are words, so no search can be malformed. An unclosed quote ends at the end.
 *
 * A word is a run of letters and digits, compared without regard to case or accents, as the
 * index (SQLite FTS5, tokenizer `unicode61 remove_diacritics 2`) compares them: "cafe" finds
 * "Café", and "NHS-England" is the phrase "nhs england".
 */
import { SEARCH_LIMITS, tooLong } from './limits.js';

/** A phrase to look for: its words as the index holds them, the last one maybe only the start of a word. */
export interface SearchPhrase {
  /** Lower case, accents removed; only letters and digits. */
  words: string[];
  /** True when the last word was typed with `*` after it: any word starting so. */
  prefix: boolean;
}

/** A search, read. */
export interface Search {
  /** What was typed, without control characters, trimmed: what the search box shows again. */
  text: string;
  /**
   * Alternatives (typed with OR between them): an event matches when it has every phrase of at
   * least one. Empty when the search only leaves things out.
   */
  anyOf: SearchPhrase[][];
  /** Phrases an event must not have (typed with `-` before them). */
  without: SearchPhrase[];
}

export type SearchReading = { ok: true; value: Search | null } | { ok: false; message: string };

/** A part of a text, marked when a search matched it. */
export interface Segment {
  text: string;
  mark: boolean;
}

/** The characters of a word, as the index reads them: letters, digits, private-use characters and the marks that accent them. */
const WORD = /[\p{L}\p{N}\p{Co}\p{M}]+/gu;
/** Control and formatting characters (NUL, line breaks, bidirectional overrides, zero-width spaces): spaces in a search. */
const CONTROL = /[\p{Cc}\p{Cf}]/gu;
/** Punctuation that separates words, even with no space around it: `(independent review)`, `a,b`, `col:term`. */
const SEPARATORS = /[()[\]{},;:^+]/g;
/** A quoted phrase (maybe left out with `-`, maybe unclosed), or a bare word, which ends at a quote. */
const PIECE = /(-?)"([^"]*)"?|([^\s"]+)/gu;

/** A word as the index compares it: lower case, without accents. */
export function foldWord(word: string): string {
  return word.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '');
}

/** The words of a text, folded. */
function wordsOf(text: string): string[] {
  return [...text.matchAll(WORD)].map((m) => foldWord(m[0])).filter((w) => w !== '');
}

/** A phrase from what was typed, or null when it has no word. */
function phraseOf(typed: string): SearchPhrase | null {
  const words = wordsOf(typed);
  if (words.length === 0) return null;
  // A star straight after the last word: that word is a prefix.
  return { words, prefix: /[\p{L}\p{N}\p{Co}\p{M}]\*+\s*$/u.test(typed) };
}

/** What was typed, as the search box shows it again: without control characters, spaces collapsed. */
export const searchText = (typed: string): string => typed.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();

/**
 * Reads what was typed in the search box: null when nothing was, or a message when it cannot be
 * searched for (too long, too many phrases, or no word at all).
 */
export function parseSearch(typed: string | null | undefined): SearchReading {
  if (typed === null || typed === undefined) return { ok: true, value: null };
  const long = tooLong(typed, SEARCH_LIMITS.length, 'the search');
  if (long) return { ok: false, message: long };
  const text = searchText(typed);
  if (text === '') return { ok: true, value: null };
  const anyOf: SearchPhrase[][] = [];
  const without: SearchPhrase[] = [];
  let group: SearchPhrase[] = [];
  for (const m of text.replace(SEPARATORS, ' ').matchAll(PIECE)) {
    const [, minus, quoted, bare] = m;
    if (bare === 'OR') {
      if (group.length > 0) anyOf.push(group);
      group = [];
      continue;
    }
    const leftOut = quoted !== undefined ? minus === '-' : bare!.length > 1 && bare!.startsWith('-');
    const phrase = phraseOf(quoted ?? (leftOut ? bare!.slice(1) : bare!));
    if (!phrase) continue;
    if (leftOut) without.push(phrase);
    else group.push(phrase);
  }
  if (group.length > 0) anyOf.push(group);
  const count = anyOf.reduce((n, g) => n + g.length, 0) + without.length;
  if (count === 0) return { ok: false, message: `Type a word or a number to search for: “${text}” has none` };
  if (count > SEARCH_LIMITS.phrases) {
    return { ok: false, message: `Search for ${SEARCH_LIMITS.phrases} words and phrases at most (this search has ${count})` };
  }
  return { ok: true, value: { text, anyOf, without } };
}

/**
 * The text in parts, with the words the search looks for marked: every place a phrase of the
 * search appears, whichever alternative it belongs to. Without a search, the text in one part.
 */
export function highlight(text: string, search: Search | null): Segment[] {
  const phrases = search?.anyOf.flat() ?? [];
  if (phrases.length === 0 || text === '') return [{ text, mark: false }];
  const tokens = [...text.matchAll(WORD)].map((m) => ({ start: m.index, end: m.index + m[0].length, word: foldWord(m[0]) })).filter((t) => t.word !== '');
  const spans: [number, number][] = [];
  for (const { words, prefix } of phrases) {
    for (let i = 0; i + words.length <= tokens.length; i++) {
      const found = words.every((w, k) => {
        const token = tokens[i + k]!.word;
        return prefix && k === words.length - 1 ? token.startsWith(w) : token === w;
      });
      if (found) spans.push([tokens[i]!.start, tokens[i + words.length - 1]!.end]);
    }
  }
  if (spans.length === 0) return [{ text, mark: false }];
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const segments: Segment[] = [];
  let at = 0;
  let open: [number, number] | null = null;
  const close = () => {
    if (!open) return;
    if (open[0] > at) segments.push({ text: text.slice(at, open[0]), mark: false });
    segments.push({ text: text.slice(open[0], open[1]), mark: true });
    at = open[1];
    open = null;
  };
  for (const span of spans) {
    // Overlapping or touching spans are one mark.
    if (open && span[0] <= open[1]) open[1] = Math.max(open[1], span[1]);
    else {
      close();
      open = [span[0], span[1]];
    }
  }
  close();
  if (at < text.length) segments.push({ text: text.slice(at), mark: false });
  return segments;
}

/** True when a search marks something in the text. */
export const matches = (text: string, search: Search | null): boolean => highlight(text, search).some((s) => s.mark);
