import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

/** A bare registry repository with one commit on main holding `files`; the folder is removed by `cleanup`. */
export async function makeBareRegistry(
  files: Record<string, string> = { 'registry/registry.yaml': 'kind: Registry\n' },
) {
  const dir = await mkdtemp(join(tmpdir(), 'gitperf-forge-'));
  const bare = join(dir, 'registry.git');
  const work = join(dir, 'seed');
  await execa('git', ['init', '--quiet', '--bare', '-b', 'main', bare]);
  await execa('git', ['init', '--quiet', '-b', 'main', work]);
  const { writeFile, mkdir } = await import('node:fs/promises');
  const { dirname } = await import('node:path');
  for (const [p, c] of Object.entries(files)) {
    await mkdir(dirname(join(work, p)), { recursive: true });
    await writeFile(join(work, p), c);
  }
  const env = gitEnv('seed');
  await execa('git', ['-C', work, 'add', '-A'], { env });
  await execa('git', ['-C', work, 'commit', '--quiet', '-m', 'seed'], { env });
  await execa('git', ['-C', work, 'push', '--quiet', bare, 'main'], { env });
  return { dir, bare, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function gitEnv(login: string): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: login,
    GIT_AUTHOR_EMAIL: `${login}@example.org`,
    GIT_COMMITTER_NAME: login,
    GIT_COMMITTER_EMAIL: `${login}@example.org`,
  };
}

export async function git(gitDir: string, ...args: string[]): Promise<string> {
  return String((await execa('git', ['--git-dir', gitDir, ...args])).stdout).trim();
}
