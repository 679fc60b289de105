/**
 * Attaching a GitHub self-hosted runner to a Runner entity: the steps a hospital's IT follows on the machine
 * that holds the prepared data, and the just-in-time configuration `runner register --jit` asks GitHub for.
 * The runner carries exactly the entity's labels, so the execution workflow's `runs-on` (the plan names the
 * entity's labels) reaches it and no other runner, and it is ephemeral: one job, then it is gone.
 */
import { fail } from '../diagnostics/diagnostic.js';
import type { Forge, RunnerJitConfig } from '../forge/forge.js';
import type { Runner } from '../registry/types.generated.js';

/** GitHub adds `self-hosted` (and the OS and architecture) itself; `--labels` takes the others. */
const IMPLICIT_LABEL = 'self-hosted';

/** `https://github.com/OWNER/REPO`, or the GitHub Enterprise Server's from its API URL. */
export function repositoryUrl(repo: string, apiBaseUrl?: string): string {
  const server = apiBaseUrl
    ? apiBaseUrl.replace(/\/api\/v3\/?$/, '').replace(/\/+$/, '')
    : 'https://github.com';
  return `${server}/${repo}`;
}

/** The runner's name on GitHub: `<owner>-<name>`, unique in the repository as the entity's ref is. */
export function githubRunnerName(runner: Runner): string {
  return `${runner.metadata.owner}-${runner.metadata.name}`;
}

/** The exact steps, for people, to attach an ephemeral GitHub runner with the entity's labels. */
export function githubRunnerSteps(runner: Runner, repoUrl: string): string {
  const labels = runner.spec.labels.filter((l) => l !== IMPLICIT_LABEL).join(',');
  const name = githubRunnerName(runner);
  return [
    `To run the jobs of ${runner.spec.datasets.join(', ')} on GitHub Actions, on the machine that holds the prepared data`,
    '(as the user whose $GITPERF_HOME holds it, with podman or docker installed):',
    '  1. Download the runner from https://github.com/actions/runner/releases (Settings → Actions → Runners →',
    '     New self-hosted runner shows the commands for your system) and unpack it into a folder, e.g. ~/actions-runner.',
    `  2. Get a registration token (valid one hour) from that page, or: gh api -X POST repos/${repoUrl.split('/').slice(-2).join('/')}/actions/runners/registration-token --jq .token`,
    `  3. ./config.sh --url ${repoUrl} --token TOKEN --name ${name} --labels ${labels} --ephemeral --unattended`,
    `  4. echo "GITPERF_HOME=$HOME/.gitperf" >> .env   # where the prepared dataset lives (the runner passes .env to jobs)`,
    '  5. ./run.sh   # takes one job, then unregisters (ephemeral); repeat 2-5 for the next, or use --jit',
    `Or without a stored registration: \`gitperf runner register --name ${runner.metadata.name} --dataset ... --jit\` registers a just-in-time runner`,
    'and prints the one command that starts it. The runner needs no token that can write to the registry: results go',
    'back as an artifact and the registry bot opens the result pull request, which you approve (your consent).',
  ].join('\n');
}

/** Asks the forge for a just-in-time runner with the entity's labels (all of them: GitHub adds none). */
export async function jitRunner(forge: Forge, runner: Runner): Promise<RunnerJitConfig> {
  if (!forge.generateRunnerJitConfig)
    return fail(
      'runner.jit-unsupported',
      'just-in-time runners come from GitHub: use a GitHub profile (`gitperf profile create NAME --forge github --repo OWNER/NAME`); on a local registry, start `gitperf runner start` instead',
      {},
      2,
    );
  const labels = runner.spec.labels.includes(IMPLICIT_LABEL)
    ? runner.spec.labels
    : [IMPLICIT_LABEL, ...runner.spec.labels];
  return forge.generateRunnerJitConfig({ name: githubRunnerName(runner), labels, workFolder: '_work' });
}

/** How to start the just-in-time runner the configuration describes. */
export function jitRunnerSteps(config: RunnerJitConfig): string {
  return [
    `GitHub registered the just-in-time runner ${config.name} (id ${config.runnerId}, labels ${config.labels.join(', ')}).`,
    'Start it in the unpacked runner folder (https://github.com/actions/runner/releases) on the machine that holds the data;',
    'it takes one job and is gone. The configuration is a credential: do not share or log it.',
    `  GITPERF_HOME="$HOME/.gitperf" ./run.sh --jitconfig ${config.encodedJitConfig}`,
  ].join('\n');
}
