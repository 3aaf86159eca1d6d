/** The positions chart drawn as one path per stance: what it draws is what a bar for each week would draw. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LadderPoint } from '../../src/domain/positions.js';
import { STANCES, type Stance } from '../../src/domain/vocabulary.js';
import { areaPath, positionsChart, type ChartWidth } from '../../src/render/charts.js';
import { STANCE_COLOURS } from '../../src/render/stances.js';

const ASK = { slug: 'halt', title: 'Halt the scheme' };
const WEEK = 7 * 86_400_000;
/** Drawn from the bottom up: done first. */
const STACK: Stance[] = [...STANCES].reverse();

function series(weeks: Record<Stance, number>[]): LadderPoint[] {
  return weeks.map((byStance, i) => ({
    at: Date.UTC(2021, 0, 3) + i * WEEK,
    involved: STANCES.reduce((n, s) => n + byStance[s], 0),
    byAsk: { [ASK.slug]: byStance },
  }));
}

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The rectangles of a path as areaPath writes them. */
function boxes(d: string): Box[] {
  return [...d.matchAll(/M(-?[\d.]+) (-?[\d.]+)h(-?[\d.]+)v(-?[\d.]+)h(-?[\d.]+)z/g)].map((m) => {
    expect(Number(m[5])).toBeCloseTo(-Number(m[3]), 5);
    return { x: Number(m[1]), y: Number(m[2]), width: Number(m[3]), height: Number(m[4]) };
  });
}

function drawn(points: LadderPoint[], width: ChartWidth): Map<string, Box[]> {
  const chart = positionsChart(points, ASK, width, { legend: false });
  expect(chart.shapes.rects).toEqual([]);
  const fills = chart.shapes.areas.map((a) => a.fill);
  expect(new Set(fills).size, 'one path per colour').toBe(fills.length);
  return new Map(chart.shapes.areas.map((a) => [a.fill, boxes(a.d)]));
}

/** Small counts, so that neighbouring weeks often share a segment's top, its height or both. */
const counts = fc.record(Object.fromEntries(STANCES.map((s) => [s, fc.nat({ max: 3 })])) as Record<Stance, fc.Arbitrary<number>>);

describe('areaPath', () => {
  it.each([
    [[], ''],
    [[{ x: 40, y: 20, width: 1.44, height: 180 }], 'M40 20h1.44v180h-1.44z'],
    [
      [
        { x: 40, y: 20, width: 10, height: 5 },
        { x: 51, y: 0.5, width: 0.5, height: 0.5 },
      ],
      'M40 20h10v5h-10zM51 0.5h0.5v0.5h-0.5z',
    ],
  ] as const)('draws %j as %s', (segments, d) => {
    expect(areaPath(segments)).toBe(d);
  });
});

describe('positionsChart', () => {
  it('draws each week a bar with a segment for each stance it counts, in the order of the stack', () => {
    fc.assert(
      fc.property(fc.array(counts, { minLength: 1, maxLength: 300, size: 'max' }), fc.constantFrom<ChartWidth>('wide', 'narrow'), (weeks, width) => {
        const points = series(weeks);
        const chart = positionsChart(points, ASK, width, { legend: false });
        const left = 40;
        const plot = { top: 20, bottom: 200 };
        const bar = (chart.width - left - 10) / weeks.length;
        const max = Math.max(1, ...points.map((p) => p.involved));
        const byFill = drawn(points, width);
        const near = (a: number, b: number) => Math.abs(a - b) < 0.05;
        weeks.forEach((week, i) => {
          // The middle of the week's bar: each stance it counts is under it once, at its height in the stack.
          const middle = left + i * bar + bar / 2;
          let y = plot.bottom;
          for (const s of STACK) {
            const height = ((plot.bottom - plot.top) * week[s]) / max;
            y -= height;
            const under = (byFill.get(STANCE_COLOURS[s].fill) ?? []).filter((b) => b.x <= middle && middle <= b.x + b.width);
            const expected = height === 0 ? [] : [{ y, height: Math.max(height - 1, 0.5) }];
            if (under.length !== expected.length || !under.every((b, k) => near(b.y, expected[k]!.y) && near(b.height, expected[k]!.height))) {
              throw new Error(`week ${i} of ${weeks.length}, ${s}: drawn ${JSON.stringify(under)}, expected ${JSON.stringify(expected)}`);
            }
          }
        });
      }),
      { numRuns: 100 },
    );
  });

  it('draws a stance that stays the same for many narrow weeks as one rectangle', () => {
    const same = { none: 10, refused: 3, considering: 0, committed: 2, done: 1 };
    const byFill = drawn(series(Array.from({ length: 400 }, () => same)), 'wide');
    expect([...byFill.keys()]).toEqual(['done', 'committed', 'refused', 'none'].map((s) => STANCE_COLOURS[s as Stance].fill));
    for (const [fill, list] of byFill) {
      expect(list, fill).toHaveLength(1);
      // From the first bar's left edge to the last bar's right edge.
      expect(list[0]!.x).toBe(40);
      expect(list[0]!.x + list[0]!.width).toBeCloseTo(710, 1);
    }
  });

  it('keeps the gap between wide bars, so that each week is a rectangle of its own', () => {
    const same = { none: 1, refused: 0, considering: 0, committed: 1, done: 0 };
    const byFill = drawn(series([same, same, same]), 'wide');
    const none = byFill.get(STANCE_COLOURS.none.fill)!;
    expect(none).toHaveLength(3);
    expect(none[1]!.x - (none[0]!.x + none[0]!.width)).toBeCloseTo(1, 5);
  });

  it('starts a new rectangle where a stance stops and starts again', () => {
    const week = (committed: number) => ({ none: 5, refused: 0, considering: 0, committed, done: 0 });
    const byFill = drawn(series([...Array.from({ length: 200 }, () => week(2)), ...Array.from({ length: 100 }, () => week(0)), ...Array.from({ length: 200 }, () => week(2))]), 'wide');
    expect(byFill.get(STANCE_COLOURS.committed.fill)).toHaveLength(2);
    // No position sits on top of the committed in their weeks, and on the axis between them.
    expect(byFill.get(STANCE_COLOURS.none.fill)).toHaveLength(3);
  });

  it('starts a new rectangle where a segment keeps its top but not its height', () => {
    const byFill = drawn(
      series([
        ...Array.from({ length: 200 }, () => ({ none: 4, refused: 0, considering: 0, committed: 4, done: 2 })),
        ...Array.from({ length: 200 }, () => ({ none: 4, refused: 0, considering: 0, committed: 2, done: 4 })),
      ]),
      'wide',
    );
    const [before, after] = byFill.get(STANCE_COLOURS.committed.fill)!;
    expect(after!.y).toBe(before!.y);
    expect(after!.height).toBeLessThan(before!.height);
  });

  it('draws nothing for an empty history or one with no institution involved', () => {
    expect(positionsChart([], ASK, 'wide', { legend: false }).shapes.areas).toEqual([]);
    expect(positionsChart(series([{ none: 0, refused: 0, considering: 0, committed: 0, done: 0 }]), ASK, 'narrow', { legend: false }).shapes.areas).toEqual([]);
  });
});
