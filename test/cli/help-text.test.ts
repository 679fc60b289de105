/**
 * Help text is written as paragraphs and wrapped by oclif to the terminal's width: a line break inside a
 * paragraph (text hard-wrapped in the source) shows as a ragged line in `--help`. Checked over the built
 * manifest, i.e. over every command, flag and argument as users see them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

interface ManifestCommand {
  summary?: string;
  description?: string;
  flags?: Record<string, { description?: string }>;
  args?: Record<string, { description?: string }>;
}

/** Texts with a line break that does not start a new paragraph. */
function hardWrapped(commands: Record<string, ManifestCommand>): string[] {
  const found: string[] = [];
  for (const [id, command] of Object.entries(commands)) {
    const texts: Array<[string, string | undefined]> = [
      ['summary', command.summary],
      ['description', command.description],
      ...Object.entries(command.flags ?? {}).map(([name, flag]): [string, string | undefined] => [
        `--${name}`,
        flag.description,
      ]),
      ...Object.entries(command.args ?? {}).map(([name, arg]): [string, string | undefined] => [
        name,
        arg.description,
      ]),
    ];
    for (const [where, text] of texts) if (text && /[^\n]\n(?!\n)/.test(text)) found.push(`${id} ${where}`);
  }
  return found;
}

describe('help text', () => {
  it('has no line breaks inside paragraphs (oclif wraps to the terminal)', () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'oclif.manifest.json'), 'utf8'));
    expect(Object.keys(manifest.commands).length).toBeGreaterThan(30);
    expect(hardWrapped(manifest.commands)).toEqual([]);
  });

  it('the check finds a hard-wrapped description and accepts paragraphs', () => {
    expect(hardWrapped({ x: { description: 'one line\nbroken in the middle' } })).toEqual(['x description']);
    expect(hardWrapped({ x: { description: 'one paragraph.\n\nAnother.', flags: { y: {} } } })).toEqual([]);
  });
});
