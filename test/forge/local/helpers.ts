import { execa } from 'execa';
import { type BareRepository, gitEnv, makeBareRepository } from '../../helpers/registry-builder.js';

export { gitEnv };

/** A bare registry repository with one commit on main holding `files`; the folder is removed by `cleanup`. */
export function makeBareRegistry(
  files: Record<string, string> = { 'registry/registry.yaml': 'kind: Registry\n' },
): Promise<BareRepository> {
  return makeBareRepository(files);
}

export async function git(gitDir: string, ...args: string[]): Promise<string> {
  return String((await execa('git', ['--git-dir', gitDir, ...args])).stdout).trim();
}
