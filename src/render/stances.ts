/**
 * The stance colours, defined once: pages (through the stylesheet generated here), charts and
 * badges all use them. `ink` is for text and filled labels (at least 4.5:1 on white); `fill` is
 * for chart bars (at least 3:1 on white; stacked segments are kept apart by a white gap). Colour
 * is never the only signal: every stance is also written out, and its label has its own border.
 */
import { STANCES, type Stance } from '../domain/vocabulary.js';

export const STANCE_COLOURS: Record<Stance, { ink: string; fill: string }> = {
  none: { ink: '#505a5f', fill: '#767d80' },
  refused: { ink: '#a8231a', fill: '#a8231a' },
  considering: { ink: '#7a4d00', fill: '#a86a00' },
  committed: { ink: '#1f5f2f', fill: '#2e7d46' },
  done: { ink: '#0b3d1a', fill: '#0b3d1a' },
};

/** The order stacked charts and legends show stances in: the top of the ladder first. */
export const STANCE_STACK: Stance[] = [...STANCES].reverse();

/** The colours as CSS, served as /static/stances.css. */
export function stanceStylesheet(): string {
  const rules = STANCES.map((s) => {
    const { ink, fill } = STANCE_COLOURS[s];
    const label = s === 'done' ? `color: #fff; background: ${ink}; border-color: ${ink};` : `color: ${ink};`;
    return `.stance--${s} { ${label} }\n.swatch--${s} { background: ${fill}; }`;
  });
  return `/* Generated from src/render/stances.ts: edit the colours there. */\n${rules.join('\n')}\n`;
}
