import { describe, expect, it } from 'vitest';
import { LineCounter, parseDocument } from 'yaml';
import { PositionMap } from '../../cli/src/infra/yaml-positions.js';

const TEXT = [
  'kind: MLCube',
  'spec:',
  '  cubes:',
  '    - ref: ana/x',
  '    - ref: lee/y',
  '  empty:',
  '',
].join('\n');

describe('YAML positions', () => {
  it('maps offsets to 1-based lines and columns, with or without a LineCounter from the parse', () => {
    const lazily = new PositionMap(TEXT);
    const counter = new LineCounter();
    const parsed = new PositionMap(TEXT, {
      document: parseDocument(TEXT, { lineCounter: counter }),
      lineCounter: counter,
    });
    const offset = TEXT.indexOf('lee/y');
    expect(lazily.offsetToPosition(0)).toEqual({ line: 1, column: 1 });
    expect(lazily.offsetToPosition(offset)).toEqual({ line: 5, column: 12 });
    expect(parsed.offsetToPosition(offset)).toEqual({ line: 5, column: 12 });
  });

  it('finds the key or the value at a property path, through sequences', () => {
    const positions = new PositionMap(TEXT);
    expect(positions.position(['spec', 'cubes', 1, 'ref'])).toEqual({ line: 5, column: 12 });
    expect(positions.position(['spec', 'cubes', 1, 'ref'], 'key')).toEqual({ line: 5, column: 7 });
    expect(positions.position(['spec', 'cubes', '0'], 'key')).toEqual({ line: 4, column: 7 });
  });

  it('points a missing property at its deepest existing ancestor, and finds an empty value on the line of its key', () => {
    const positions = new PositionMap(TEXT);
    expect(positions.position(['spec', 'cubes', 5, 'ref'])).toEqual({ line: 3, column: 3 });
    expect(positions.position(['spec', 'nope'], 'key')).toEqual({ line: 2, column: 1 });
    expect(positions.position(['spec', 'empty'], 'key')).toEqual({ line: 6, column: 3 });
    expect(positions.position(['spec', 'empty']).line).toBe(6);
  });
});
