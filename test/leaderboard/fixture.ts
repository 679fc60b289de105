// A copy of the example registry in a fresh git repository, with variants for the leaderboard tests.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { repoRoot } from '../helpers/cli.js';

export const BENCH = 'bc-diagnosis';
export const SITE_NAMES = ['hospital-a', 'hospital-b', 'hospital-c', 'wdbc-a', 'wdbc-b', 'wdbc-c'];

export interface Fixture {
  root: string;
  registry: string;
  git: (...args: string[]) => string;
}

/** registry/ copied into `<tmp>/repo/registry`, committed. */
export function registryRepo(prefix = 'gitperf-leaderboard-'): Fixture {
  const root = join(mkdtempSync(join(tmpdir(), prefix)), 'repo');
  const registry = join(root, 'registry');
  cpSync(join(repoRoot, 'registry'), registry, { recursive: true });
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@example.org',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@example.org',
      },
    }).trim();
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-qm', 'example registry');
  return { root, registry, git };
}

// biome-ignore lint/suspicious/noExplicitAny: tests edit arbitrary registry YAML in place, field by field
type YamlDoc = Record<string, any>;

export function editYaml(file: string, edit: (doc: YamlDoc) => void): void {
  const doc = parse(readFileSync(file, 'utf8'));
  edit(doc);
  writeFileSync(file, stringify(doc));
}

export function setPolicy(registry: string, bench: string, policy: Record<string, unknown>): void {
  editYaml(join(registry, 'benchmarks', bench, 'benchmark.yaml'), (d) =>
    Object.assign(d.spec.policy, policy),
  );
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** A second benchmark `name` with bc-diagnosis's models and results (or none). */
export function cloneBenchmark(registry: string, name: string, opts: { results: boolean }): void {
  const from = join(registry, 'benchmarks', BENCH);
  const to = join(registry, 'benchmarks', name);
  cpSync(from, to, { recursive: true });
  if (!opts.results) {
    for (const f of filesUnder(join(to, 'results'))) renameSync(f, `${f}.gone`);
    execFileSync('rm', ['-r', join(to, 'results')]);
  }
  for (const f of filesUnder(to)) {
    editYaml(f, (d) => {
      if (d.kind === 'Benchmark') d.metadata.name = name;
      else d.spec.benchmark = name;
    });
  }
}

/** Every per-site number of the demo results: the cube's reported metrics (6 decimals), as printed in the files. */
export function reportedSiteNumbers(registry: string, except: readonly string[] = []): string[] {
  const out = new Set<string>();
  for (const f of filesUnder(join(registry, 'benchmarks', BENCH, 'results'))) {
    const doc = parse(readFileSync(f, 'utf8'));
    for (const [k, v] of Object.entries(doc.spec.metrics as Record<string, number>)) {
      // coverage 1/0 and round values are not distinctive enough to look for.
      if (k !== 'coverage' && !except.includes(k) && Number.isFinite(v) && String(v).length >= 6)
        out.add(String(v));
    }
  }
  return [...out];
}
