import { describe, expect, it } from 'vitest';
import { GitHubForge } from '../../cli/src/forge/github/github-forge.js';
import {
  githubRunnerSteps,
  jitRunner,
  jitRunnerSteps,
  repositoryUrl,
  runnerEntity,
} from '../../cli/src/participants/index.js';
import { GitHubModel } from '../forge/github/github-model.js';
import { createContractFetch } from '../helpers/openapi-github.js';

const entity = runnerEntity('hospital-a', { name: 'runner-a', datasets: ['wdbc-a'] });

describe('attaching a GitHub runner to a Runner entity', () => {
  it('prints config.sh with the entity labels (GitHub adds self-hosted), ephemeral, for the repository', () => {
    const url = repositoryUrl('medperf/registry');
    expect(url).toBe('https://github.com/medperf/registry');
    expect(repositoryUrl('medperf/registry', 'https://ghe.example.org/api/v3')).toBe(
      'https://ghe.example.org/medperf/registry',
    );
    const steps = githubRunnerSteps(entity, url);
    expect(steps).toContain(
      './config.sh --url https://github.com/medperf/registry --token TOKEN --name hospital-a-runner-a --labels gitperf,hospital-a --ephemeral --unattended',
    );
    expect(steps).toContain('hospital-a/wdbc-a');
    expect(steps).toContain('GITPERF_HOME');
  });

  it('--jit: GitHub registers the runner with all the labels, through the contract harness', async () => {
    const model = new GitHubModel('medperf', 'registry');
    model.addUser('hospital-a');
    model.admins.add('hospital-a');
    const harness = createContractFetch(model.handle);
    const forge = new GitHubForge({
      owner: 'medperf',
      repo: 'registry',
      token: 'token-hospital-a',
      fetch: harness.fetch,
      tuning: { retryAfterBaseMs: 1, paceWrites: false },
    });
    const config = await jitRunner(forge, entity);
    expect(harness.violations).toEqual([]);
    expect(config.labels).toEqual(['self-hosted', 'gitperf', 'hospital-a']);
    expect(model.runners.get('hospital-a-runner-a')?.labels).toEqual([
      'self-hosted',
      'gitperf',
      'hospital-a',
    ]);
    expect(jitRunnerSteps(config)).toContain(`./run.sh --jitconfig ${config.encodedJitConfig}`);
  });
});
