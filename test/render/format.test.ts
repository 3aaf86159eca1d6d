/** How the directory's holdings are put in words. */
import { describe, expect, it } from 'vitest';
import { kindCounts } from '../../src/render/format.js';
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
