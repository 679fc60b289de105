/**
 * What a workflow step sees of GitHub Actions: the repository, the token, the event that started the run
 * (`GITHUB_EVENT_PATH`, a JSON file shaped like the webhook payload), and the files a step writes its outputs
 * (`GITHUB_OUTPUT`) and its summary (`GITHUB_STEP_SUMMARY`) to. Commands that run as one workflow step
 * (`policy status --github`, `result submit --github`, `bot --github`) read it here, so the workflow player
 * test can play them with the same variables GitHub sets.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { fail } from '../../diagnostics/diagnostic.js';
import { GitHubForge, type GitHubForgeOptions } from './github-forge.js';
import { parseRepoSlug, readGitHubToken } from './github-token.js';

export interface ActionsEnvironment {
  /** `OWNER/NAME` of the repository the workflow runs in (`GITHUB_REPOSITORY`). */
  repository: string;
  /** `GITHUB_EVENT_NAME`, e.g. `workflow_run`. */
  eventName: string;
  /** The event payload (`GITHUB_EVENT_PATH`); `{}` when the variable is unset. */
  event: Record<string, unknown>;
  /** REST API URL (`GITHUB_API_URL`; GitHub Enterprise Server sets its own). */
  apiUrl: string;
  /** Where people follow this run, for a status's target URL; undefined outside a run. */
  runUrl?: string;
  env: Record<string, string | undefined>;
}

export function readActionsEnvironment(
  env: Record<string, string | undefined> = process.env,
): ActionsEnvironment {
  const repository = env.GITHUB_REPOSITORY?.trim();
  if (!repository)
    fail(
      'github.actions-environment',
      'GITHUB_REPOSITORY is not set: --github reads the GitHub Actions environment; run it as a workflow step (or set GITHUB_REPOSITORY, GITHUB_EVENT_NAME, GITHUB_EVENT_PATH and GITHUB_TOKEN)',
      {},
      2,
    );
  parseRepoSlug(repository);
  let event: Record<string, unknown> = {};
  const eventPath = env.GITHUB_EVENT_PATH;
  if (eventPath) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(eventPath, 'utf8'));
      if (typeof parsed === 'object' && parsed !== null) event = parsed as Record<string, unknown>;
    } catch (e) {
      fail(
        'github.event-unreadable',
        `cannot read the event payload ${eventPath} (GITHUB_EVENT_PATH): ${(e as Error).message}`,
        { file: eventPath },
      );
    }
  }
  const server = env.GITHUB_SERVER_URL?.replace(/\/+$/, '');
  return {
    repository,
    eventName: env.GITHUB_EVENT_NAME ?? '',
    event,
    apiUrl: (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, ''),
    ...(server && env.GITHUB_RUN_ID
      ? { runUrl: `${server}/${repository}/actions/runs/${env.GITHUB_RUN_ID}` }
      : {}),
    env,
  };
}

/** The repository's forge with the step's token (`GITHUB_TOKEN`, else `GH_TOKEN`). */
export function actionsForge(
  actions: ActionsEnvironment,
  extra: Pick<GitHubForgeOptions, 'fetch' | 'tuning'> = {},
): GitHubForge {
  const { owner, repo } = parseRepoSlug(actions.repository);
  return new GitHubForge({
    owner,
    repo,
    token: readGitHubToken(actions.env),
    ...(actions.apiUrl !== 'https://api.github.com' ? { baseUrl: actions.apiUrl } : {}),
    ...extra,
  });
}

/**
 * The login the step acts as. A GitHub App installation token may not ask `GET /user`, so workflows name
 * the App's bot in `GITPERF_BOT` (`<app-slug>[bot]`, the create-github-app-token action's `app-slug`).
 */
export async function actingLogin(actions: ActionsEnvironment, forge: GitHubForge): Promise<string> {
  const bot = actions.env.GITPERF_BOT?.trim();
  if (bot) return bot;
  return forge.currentUser();
}

/** Appends `name=value` lines to `GITHUB_OUTPUT` (values are one line here); nothing outside a run. */
export function writeStepOutputs(actions: ActionsEnvironment, outputs: Record<string, string>): void {
  const file = actions.env.GITHUB_OUTPUT;
  if (!file) return;
  const lines = Object.entries(outputs).map(([k, v]) => `${k}=${v.replace(/[\r\n]+/g, ' ')}`);
  appendFileSync(file, `${lines.join('\n')}\n`);
}

/** Appends Markdown to `GITHUB_STEP_SUMMARY`; returns false outside a run (the caller prints it instead). */
export function writeStepSummary(actions: ActionsEnvironment, markdown: string): boolean {
  const file = actions.env.GITHUB_STEP_SUMMARY;
  if (!file) return false;
  appendFileSync(file, `${markdown.trimEnd()}\n`);
  return true;
}

/** The git environment that authenticates fetches from the repository over HTTPS with the step's token. */
export function fetchAuthEnvironment(actions: ActionsEnvironment): Record<string, string> {
  const token = actions.env.GITHUB_TOKEN?.trim() || actions.env.GH_TOKEN?.trim();
  if (!token) return {};
  // What actions/checkout configures (and with persist-credentials: false removes): a header for this
  // process only, passed through the environment so it is not on a command line.
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  return {
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'http.extraHeader',
    GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basic}`,
  };
}
