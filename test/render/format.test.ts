/** How the directory's holdings and numbers are put in words. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { kindCounts, number } from '../../src/render/format.js';
import type { InstitutionKind } from '../../src/domain/vocabulary.js';

describe('kindCounts', () => {
  it.each<[string, { kind: InstitutionKind; count: number }[], string]>([
    ['an empty directory', [], ''],
    ['one kind', [{ kind: 'police_force', count: 43 }], '43 police forces'],
    ['one of a kind', [{ kind: 'icb', count: 1 }], '1 integrated care board'],
    ['NHS England named, not counted', [{ kind: 'nhs_england', count: 1 }, { kind: 'other', count: 2 }], 'NHS England and 2 other bodies'],
    ['two bodies of the national kind counted', [{ kind: 'nhs_england', count: 2 }], '2 NHS England'],
    [
      'every kind',
      [
        { kind: 'nhs_england', count: 1 },
        { kind: 'mental_health_trust', count: 54 },
        { kind: 'police_force', count: 43 },
        { kind: 'icb', count: 42 },
        { kind: 'other', count: 1 },
      ],
      'NHS England, 54 mental health trusts, 43 police forces, 42 integrated care boards and 1 other body',
    ],
    ['thousands', [{ kind: 'other', count: 1200 }], '1,200 other bodies'],
  ])('%s', (_name, kinds, words) => {
    expect(kindCounts(kinds)).toBe(words);
  });
});

describe('number', () => {
  it.each<[number, string]>([
    [0, '0'],
    [7, '7'],
    [999, '999'],
    [1000, '1,000'],
    [1234567, '1,234,567'],
    [-5, '-5'],
    [-1000, '-1,000'],
    [2.5, '2.5'],
    [999.5, '999.5'],
    [0.125, '0.125'],
  ])('%s is written %s', (n, words) => {
    expect(number(n)).toBe(words);
  });

  it('writes every number as en-GB does, whole numbers below 1,000 included', () => {
    const enGB = new Intl.NumberFormat('en-GB');
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -5000, max: 5000 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).filter((n) => !Object.is(n, -0))), (n) => {
        expect(number(n)).toBe(enGB.format(n));
      }),
      { numRuns: 2000 },
    );
  });
});
