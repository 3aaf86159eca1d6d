/**
 * Badges: small SVG images other sites show, with the same figure as the page and the API. Text
 * is measured with shields.io's Verdana tables; a badge that would be wider than a phone's
 * screen is stacked on several lines instead of shrinking its text.
 */
import measure from 'anafanafo';
import type { InstitutionView } from '../tracker/tracker.js';
import { longDate, plural, stanceLabel } from './format.js';
import { STANCE_COLOURS } from './stances.js';

/** The widest a badge may be: it fits a 320 px screen with the page's margins. */
export const BADGE_MAX_WIDTH = 280;
const PAD = 6;
const LINE = 16;

export interface Badge {
  /** What a screen reader says, and the SVG's title. */
  text: string;
  width: number;
  height: number;
  label: { lines: { text: string; y: number; length: number }[]; height: number };
  value: { lines: { text: string; y: number; length: number }[]; y: number; height: number; x: number; width: number };
  /** The background behind the value. */
  colour: string;
  /** Side by side (one line) or stacked (label above value). */
  stacked: boolean;
}

const width = (text: string) => Math.ceil(measure(text, { font: '11px Verdana', guess: true }));

/** Words into lines no wider than `max` pixels (a word wider than that gets a line of its own). */
export function wrap(text: string, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && width(candidate) > max) {
      lines.push(line);
      line = word;
    } else line = candidate;
  }
  if (line) lines.push(line);
  return lines.length > 0 ? lines : [''];
}

function truncateToWidth(text: string, max: number): string {
  if (width(text) <= max) return text;
  let cut = text;
  while (cut.length > 1 && width(`${cut}…`) > max) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}

export function badgeLayout(label: string, value: string, colour: string): Badge {
  const text = `${label} · ${value}`;
  const lw = width(label);
  const vw = width(value);
  if (PAD + lw + PAD + PAD + vw + PAD <= BADGE_MAX_WIDTH) {
    const left = PAD + lw + PAD;
    return {
      text,
      width: left + PAD + vw + PAD,
      height: 22,
      label: { lines: [{ text: label, y: 15, length: lw }], height: 22 },
      value: { lines: [{ text: value, y: 15, length: vw }], y: 0, height: 22, x: left, width: PAD + vw + PAD },
      colour,
      stacked: false,
    };
  }
  const inner = BADGE_MAX_WIDTH - 2 * PAD;
  // A single word wider than the badge (a very long name) is cut short with an ellipsis: the full text is in the title.
  const lines = (t: string) => wrap(t, inner).slice(0, 4).map((l) => truncateToWidth(l, inner));
  const labelLines = lines(label);
  const valueLines = lines(value);
  const widest = Math.max(...[...labelLines, ...valueLines].map(width));
  const w = Math.min(BADGE_MAX_WIDTH, PAD + widest + PAD);
  const labelHeight = labelLines.length * LINE + 6;
  const valueHeight = valueLines.length * LINE + 6;
  return {
    text,
    width: w,
    height: labelHeight + valueHeight,
    label: { lines: labelLines.map((l, i) => ({ text: l, y: 15 + i * LINE, length: width(l) })), height: labelHeight },
    value: { lines: valueLines.map((l, i) => ({ text: l, y: labelHeight + 15 + i * LINE, length: width(l) })), y: labelHeight, height: valueHeight, x: 0, width: w },
    colour,
    stacked: true,
  };
}

/**
 * An institution's badge: its days without comment (or whether it was approached), or with an
 * ask its stance on that ask; the same figure as its page and the API.
 */
export function institutionBadge(i: InstitutionView, ask: { slug: string; title: string } | null, endedOn: string | null = null, staleSince: string | null = null): Badge {
  // Once the campaign has ended, the figure is the one it ended with, and the badge says so.
  const ended = endedOn ? ` when the campaign ended (${longDate(endedOn)})` : '';
  if (ask) {
    const stance = i.positions[ask.slug]!.stance;
    return badgeLayout(i.name, `${ask.title}: ${stanceLabel(stance)}${ended}`, STANCE_COLOURS[stance].ink);
  }
  // A record not kept up to date says when it last was, beside the figure.
  const stale = staleSince && !ended ? ` (record last updated ${longDate(staleSince)})` : '';
  if (i.silence) return badgeLayout(i.name, `${plural(i.silence.calendarDays, 'day')} without comment${ended}${stale}`, STANCE_COLOURS.refused.ink);
  return badgeLayout(i.name, `${i.approached ? 'not waiting for a comment' : 'not approached'}${ended}`, STANCE_COLOURS.none.ink);
}
