/** The rules of a campaign that ends and a record that stops being kept, table by table. */
import { describe, expect, it } from 'vitest';
import { defaultMoment, endState, staleSince } from '../../src/domain/campaign-end.js';
import { endOfLondonDay } from '../../src/domain/calendar.js';

const at = (iso: string) => Date.parse(iso);

describe('the moment “now” means', () => {
  it.each([
    ['a live campaign: now itself', '2026-11-23T12:00:00Z', null, '2026-11-23T12:00:00.000Z'],
    ['ended in summer time: the end of its last day in BST', '2026-11-23T12:00:00Z', '2023-05-18', '2023-05-18T22:59:59.999Z'],
    ['ended in winter: the end of its last day in GMT', '2026-11-23T12:00:00Z', '2022-12-01', '2022-12-01T23:59:59.999Z'],
    ['ended on the day the clocks go forward', '2026-11-23T12:00:00Z', '2023-03-26', '2023-03-26T22:59:59.999Z'],
    ['ended on the day the clocks go back', '2026-11-23T12:00:00Z', '2023-10-29', '2023-10-29T23:59:59.999Z'],
    ['ends today: now, until midnight', '2026-11-23T12:00:00Z', '2026-11-23', '2026-11-23T12:00:00.000Z'],
    ['ended yesterday, a millisecond after midnight', '2026-11-23T00:00:00.001Z', '2026-11-22', '2026-11-22T23:59:59.999Z'],
  ])('%s', (_name, now, endedOn, expected) => {
    expect(new Date(defaultMoment(at(now), endedOn)).toISOString()).toBe(expected);
  });
});

describe('where a moment stands against the end', () => {
  const end = endOfLondonDay('2023-05-18');
  it.each([
    ['a live campaign', at('2030-01-01T00:00:00Z'), null, true, 'live'],
    ['the default moment at the end', end, '2023-05-18', false, 'at-end'],
    ['the end chosen on purpose', end, '2023-05-18', true, 'before-end'],
    ['a moment before the end', at('2021-05-06T10:30:00Z'), '2023-05-18', true, 'before-end'],
    ['a millisecond after the end', end + 1, '2023-05-18', true, 'after-end'],
    ['a year after the end', at('2024-05-18T12:00:00Z'), '2023-05-18', true, 'after-end'],
  ] as const)('%s', (_name, asOf, endedOn, chosen, expected) => {
    expect(endState(asOf, endedOn, chosen)).toBe(expected);
  });
});

describe('a record that says when it was last kept', () => {
  it.each([
    ['an empty record is not stale', '2026-11-23T12:00:00Z', null, 30, null],
    ['an event today', '2026-11-23T12:00:00Z', '2026-11-23', 30, null],
    ['exactly 30 days ago: not yet', '2026-11-23T12:00:00Z', '2026-10-24', 30, null],
    ['31 days ago', '2026-11-23T12:00:00Z', '2026-10-23', 30, '2026-10-23'],
    ['counted by London date: 00:30 BST is the next day', '2026-06-30T23:30:00Z', '2026-05-31', 30, '2026-05-31'],
    ['the same instant in UTC is still 30 days', '2026-06-30T22:30:00Z', '2026-05-31', 30, null],
    ['a window of 1 day', '2026-11-23T12:00:00Z', '2026-11-21', 1, '2026-11-21'],
  ] as const)('%s', (_name, asOf, latest, days, expected) => {
    expect(staleSince(at(asOf), latest, days)).toBe(expected);
  });
});
