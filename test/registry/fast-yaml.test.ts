import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fastParse } from '../../cli/src/registry/fast-yaml.js';
import { parseYamlFile } from '../../cli/src/registry/yaml-file.js';
import { publicKeyOfSeed } from '../../cli/src/trust/ed25519.js';
import { formatPublicKey, signResult } from '../../cli/src/trust/index.js';
import { toYaml } from '../../cli/src/workflows/atomic.js';
// @ts-expect-error: plain ESM script without type declarations
import { generateRegistry } from '../../scripts/bench/gen-registry.mjs';
import { repoRoot } from '../helpers/cli.js';
import { FIXTURE } from './fixture.js';

/** What gen-registry.mjs takes from cli/dist/trust, from the sources here. */
const sourceTrust = { formatPublicKey, signResult, publicKeyOfSeed };

/** A result with its signature, as `gitperf result submit --runner` writes it (a literal block). */
function signedResultText(): string {
  const tmp = mkdtempSync(join(tmpdir(), 'gitperf-fast-'));
  try {
    const { samplePaths } = generateRegistry(tmp, 300);
    const text = readFileSync(join(tmp, samplePaths.result), 'utf8');
    const signature = `-----BEGIN SSH SIGNATURE-----\n${'U1NIU0lHAAAAAQ+/'.repeat(4)}\n${'c3NoLWVk=='.repeat(7)}\n-----END SSH SIGNATURE-----\n`;
    return `${text}${toYaml({ signature }).replace(/^/gm, '  ').replace(/ +$/, '')}`;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** What the `yaml` package (through the full loader path) makes of `text`. */
function reference(text: string) {
  return parseYamlFile(new TextEncoder().encode(text), 'f.yaml', { fast: false });
}

/** The fast path must either decline or agree exactly with `yaml` on an error-free file. */
function agree(text: string): 'fast' | 'fallback' {
  const fast = fastParse(text);
  if (fast === undefined) return 'fallback';
  const ref = reference(text);
  expect(ref.diagnostics, `fast path accepted a file yaml rejects:\n${text}`).toEqual([]);
  expect(fast, `fast path disagrees with yaml on:\n${text}`).toStrictEqual(ref.data);
  return 'fast';
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.yaml') ? [p] : [];
  });
}

describe('fast YAML path', () => {
  it('takes the fast path for, and agrees with yaml on, every example, fixture and generated file', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'gitperf-fast-'));
    try {
      generateRegistry(join(tmp, 'plain'), 300);
      // Signed: runner keys in spec.keys, a literal-block signature in every result.
      generateRegistry(join(tmp, 'signed'), 300, { signed: true, trust: sourceTrust });
      const files = [...walk(join(repoRoot, 'registry')), ...walk(tmp)];
      const texts = [...files.map((f) => readFileSync(f, 'utf8')), ...Object.values(FIXTURE)];
      expect(texts.length).toBeGreaterThan(300);
      for (const t of texts) expect(agree(t)).toBe('fast');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it.each([
    ['numbers', 'a: 1\nb: -0.5\nc: .5\nd: 1e3\ne: +7\nf: 0o17\ng: 0x1F\nh: 007\ni: .nan\nj: 1.\n'],
    ['null and booleans', 'a:\nb: ~\nc: null\nd: True\ne: FALSE\nf: yes\ng: off\n'],
    [
      'strings that look special',
      'a: 2026-11-27T06:00:00Z\nb: http://x/y\nc: a#b\nd: a[1]{2},3\ne: --x\nf: -x\n',
    ],
    [
      'quotes and comments',
      'a: "x # y"\nb: \'z\' # c\nc: plain # comment\n# full line\n  # indented comment\nd: 1\n',
    ],
    ['sequences', 'a:\n- 1\n- x\nb:\n  - c: 1\n    d: 2\n  -\n    e: 3\n  -\n  - ""\n'],
    ['nested mappings', 'a:\n  b:\n    c: 1\n  d: 2\ne: 3\n'],
    ['unicode text', 'a: Hôpital Saint-Étienne\nb: 東京\n'],
    ['no final newline', 'a: 1'],
    ['literal block', 'a: |\n  x\n  # not a comment: "y" \'z\' [1]\nb: 1\n'],
    ['stripped literal block', 'a:\n  b: |-\n    x\n    y\n  c: 2\n'],
    ['literal block at the end', 'a: 1\nsignature: |\n  -----BEGIN SSH SIGNATURE-----\n  AAAA/+==\n'],
    ['literal block in a list item', 'a:\n  - b: 1\n    c: |\n      x\n'],
    ['literal block then a comment', 'a: |\n    x\n# c\nb: 1\n'],
  ])('agrees on %s', (_name, text) => {
    expect(agree(text)).toBe('fast');
  });

  it.each([
    ['flow collections', 'a: [1, 2]\n'],
    ['folded block scalar', 'a: >\n  x\n'],
    ['kept literal block', 'a: |+\n  x\n'],
    ['indentation indicator', 'a: |2\n   x\n'],
    ['literal block with a blank line', 'a: |\n  x\n\n  y\n'],
    ['literal block before a blank line', 'a: |\n  x\n\nb: 1\n'],
    ['literal block, a line more indented', 'a: |\n  x\n    y\n'],
    ['literal block without a final newline', 'a: |\n  x'],
    ['empty literal block', 'a: |\nb: 1\n'],
    ['literal block on a list line', 'a:\n  - b: |\n      x\n'],
    ['literal block with a comment on its header', 'a: | # c\n  x\n'],
    ['escapes', 'a: "x\\ty"\n'],
    ['doubled single quote', "a: 'it''s'\n"],
    ['anchor', 'a: &x 1\n'],
    ['alias', 'a: *x\n'],
    ['tag', 'a: !!str 1\n'],
    ['tab', 'a:\t1\n'],
    ['CRLF', 'a: 1\r\n'],
    ['duplicate key', 'a: 1\na: 2\n'],
    ['merge key', '<<: 1\n'],
    ['non-string key', '1: a\n'],
    ['multi-line plain scalar', 'a: x\n  y\n'],
    ['document marker', '---\na: 1\n'],
    ['compact nested mapping', 'a: b: c\n'],
    ['infinity', 'a: .inf\n'],
    ['top-level list', '- a\n'],
    ['empty', ''],
    ['proto key', '__proto__: 1\n'],
    ['odd indentation', 'a:\n    b: 1\n  c: 2\n'],
    ['trailing spaces', 'a: 1 \n'],
  ])('leaves %s to yaml', (_name, text) => {
    expect(fastParse(text)).toBeUndefined();
  });

  it('never disagrees with yaml on random documents full of tricky scalars', () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const scalars = [
      '0',
      '-0',
      '00',
      '0o7',
      '0o8',
      '0x1f',
      '0xg',
      '1_000',
      '.',
      '-.',
      '+.5',
      '1e',
      '1E+2',
      '1e999',
    ];
    scalars.push(
      'nUll',
      'NULL',
      'Null',
      '~',
      'Yes',
      'tRue',
      'TRUE',
      'false',
      'a:b',
      'a :b',
      'http://x/y',
      'a #b',
    );
    scalars.push(
      'a#b',
      '--',
      '-x',
      "'q'",
      '"q"',
      '"a # b"',
      "'a'' b'",
      '[',
      ']a',
      'é',
      'Infinity',
      'NaN',
      '.NaN',
    );
    scalars.push(
      '.Inf',
      '-.inf',
      '1.',
      '.1e5',
      '0.0',
      '?',
      '? a',
      ':a',
      'a:',
      '%x',
      '@x',
      '`x',
      '!x',
      '&x',
      '*x',
    );
    scalars.push(
      '|',
      '>',
      'a, b',
      '{a}',
      'sha256:ab',
      'ana/prep',
      '2026-11-27T06:00:00Z',
      '0.1.0',
      '12:30',
      '"',
    );
    const keys = ['a', 'b1', 'c.d', 'e-f', 'g/h', '1', 'true', 'null', '1e3', 'x_y', 'Z'];
    const doc = (indent: string, depth: number): string => {
      let out = '';
      const used = new Set<string>();
      for (let n = 1 + rnd(4); n > 0; n--) {
        const k = keys[rnd(keys.length)];
        if (used.has(k)) continue;
        used.add(k);
        const r = depth > 3 ? 0 : rnd(5);
        if (r === 0) out += `${indent}${k}: ${scalars[rnd(scalars.length)]}\n`;
        else if (r === 4) {
          // A literal block: any text is content, at one indentation (sometimes not: yaml decides).
          out += `${indent}${k}: ${rnd(2) ? '|' : '|-'}\n`;
          for (let m = 1 + rnd(3); m > 0; m--) {
            const extra = rnd(8) === 0 ? ' ' : '';
            out += `${indent}  ${extra}${scalars[rnd(scalars.length)]}\n${rnd(12) === 0 ? '\n' : ''}`;
          }
        } else if (r === 1) out += `${indent}${k}:\n${doc(`${indent}  `, depth + 1)}`;
        else {
          out += `${indent}${k}:\n`;
          const seqIndent = r === 2 ? indent : `${indent}  `;
          for (let m = 1 + rnd(3); m > 0; m--) {
            out +=
              rnd(2) === 0
                ? `${seqIndent}- ${scalars[rnd(scalars.length)]}\n`
                : `${seqIndent}- ${doc(`${seqIndent}  `, depth + 1).trimStart()}`;
          }
        }
      }
      return out || `${indent}k: v\n`;
    };
    let fast = 0;
    for (let n = 0; n < 3000; n++) if (agree(doc('', 0)) === 'fast') fast++;
    expect(fast).toBeGreaterThan(300);
  });

  it('never disagrees with yaml on randomly mangled registry files', () => {
    // Deterministic PRNG so a failure reproduces.
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const palette = [
      ' ',
      ' ',
      '-',
      ':',
      '#',
      '"',
      "'",
      '\n',
      'a',
      '1',
      '.',
      '[',
      ']',
      '{',
      '}',
      '&',
      '*',
      '!',
      '|',
    ];
    palette.push('>', '?', ',', '%', '@', '\\', 'e', '0', 'x', '+', '~', '\t', '  ', '- ', ': ', '\n  ');
    const sources = [...Object.values(FIXTURE), signedResultText()];
    let fast = 0;
    for (let n = 0; n < 3000; n++) {
      let t = sources[rnd(sources.length)];
      for (let m = 1 + rnd(3); m > 0; m--) {
        const at = rnd(t.length + 1);
        const op = rnd(3);
        const ch = palette[rnd(palette.length)];
        t =
          op === 0
            ? t.slice(0, at) + ch + t.slice(at)
            : op === 1
              ? t.slice(0, at) + t.slice(at + 1)
              : t.slice(0, at) + ch + t.slice(at + 1);
      }
      if (agree(t) === 'fast') fast++;
    }
    // Most mangled files still parse; the comparison must have had real work to do.
    expect(fast).toBeGreaterThan(500);
  });
});
