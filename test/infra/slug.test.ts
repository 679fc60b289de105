import { describe, expect, it } from 'vitest';
import { slug } from '../../cli/src/infra/slug.js';

describe('slug', () => {
  it('keeps lower-case letters and digits, one hyphen for each run of anything else, none at the ends', () => {
    expect(slug('  Add: the BC-Stump cube (v2)! ')).toBe('add-the-bc-stump-cube-v2');
    expect(slug('a__b..c--d')).toBe('a-b-c-d');
  });

  it('cuts to the maximum length without leaving a trailing hyphen', () => {
    expect(slug('abc def', { maxLength: 4 })).toBe('abc');
    expect(slug('x'.repeat(100))).toHaveLength(63);
  });

  it('falls back when nothing is left', () => {
    expect(slug('!!!', { fallback: 'submission' })).toBe('submission');
    expect(slug('')).toBe('unnamed');
  });
});
