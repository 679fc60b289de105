import { describe, expect, it } from 'vitest';
import { error, sortDiagnostics } from '../../cli/src/diagnostics/diagnostic.js';
import { renderGithub, renderText, toJson } from '../../cli/src/diagnostics/render.js';
import { printable } from '../../cli/src/diagnostics/terminal-text.js';

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

describe('printable (terminal safety)', () => {
  it('escapes C0/C1 controls, DEL and bidi overrides; keeps tabs, newlines and other Unicode', () => {
    expect(printable('a\u001b[31mb\rc\u0007d\u007fe\u009bf\u202eg\u2066h')).toBe(
      'a\\x1b[31mb\\x0dc\\x07d\\x7fe\\x9bf\\u{202e}g\\u{2066}h',
    );
    expect(printable('tab\there\nnext line: é ✓ 漢')).toBe('tab\there\nnext line: é ✓ 漢');
  });

  it('renderText escapes what a message quotes', () => {
    expect(renderText({ code: 'x', message: 'title \u001b[2J', severity: 'error', file: 'f\r.yaml' })).toBe(
      'f\\x0d.yaml: error x title \\x1b[2J',
    );
  });
});
