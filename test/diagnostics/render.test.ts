import { describe, expect, it } from 'vitest';
import { error, sortDiagnostics } from '../../cli/src/diagnostics/diagnostic.js';
import { renderGithub, renderText, toJson } from '../../cli/src/diagnostics/render.js';

describe('diagnostic rendering', () => {
  const d = error('schema.required', 'missing property "spec"; add it', {
    file: 'registry/a.yaml',
    line: 3,
    column: 1,
  });

  it('renders text as path:line:col: severity CODE message', () => {
    expect(renderText(d)).toBe('registry/a.yaml:3:1: error schema.required missing property "spec"; add it');
  });

  it('renders GitHub annotations with escaped properties and data', () => {
    const g = error('x', '50% done\nnext', { file: 'a,b:c.yaml', line: 2, column: 5 });
    expect(renderGithub(g)).toBe('::error file=a%2Cb%3Ac.yaml,line=2,col=5,title=x::50%25 done%0Anext');
  });

  it('renders JSON with explicit nulls for missing positions', () => {
    expect(toJson(error('c', 'm'))).toEqual({
      code: 'c',
      message: 'm',
      severity: 'error',
      file: null,
      line: null,
      column: null,
    });
  });

  it('sorts by file, line, column, code', () => {
    const a = error('b', '', { file: 'x', line: 2 });
    const b = error('a', '', { file: 'x', line: 2 });
    const c = error('a', '', { file: 'a', line: 9 });
    expect(sortDiagnostics([a, b, c]).map((x) => `${x.file}${x.line}${x.code}`)).toEqual([
      'a9a',
      'x2a',
      'x2b',
    ]);
  });
});
