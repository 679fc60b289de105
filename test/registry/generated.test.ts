import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM script without type declarations
import { generate } from '../../scripts/generate-types.mjs';

describe('generated code', () => {
  it('types.generated.ts and validators.generated.ts match schemas/ (run `npm run generate` if this fails)', async () => {
    const files = (await generate()) as Record<string, string>;
    expect(Object.keys(files).length).toBe(2);
    for (const [path, content] of Object.entries(files)) {
      expect(readFileSync(path, 'utf8'), `${path} is stale; run npm run generate`).toBe(content);
    }
  });
});
