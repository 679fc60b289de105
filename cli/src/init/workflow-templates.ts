/**
 * The GitHub workflow files of a gitperf registry (issue 9): the pull-request check, the review trigger,
 * the policy status, the merge bot, the execution on hospital runners, and the public leaderboard. One source for both places
 * they live: `gitperf init` writes them into a new registry (`gitperf` installed from npm, files named
 * `gitperf-*.yml`), and this repository, itself an example registry, commits them built from its own
 * checkout (`*.yml`); test/github/workflow-rules.test.ts asserts the committed files are these bytes.
 * Kept in code (not loose files) so they ship inside cli/dist with the package. Every one follows the
 * workflow rules (test/helpers/workflow-rules.ts) and passes actionlint. Every step that does work is one
 * `gitperf` command, so the workflow player test (test/github/workflow-player.test.ts) runs them without
 * GitHub. The leaderboard workflow (issue 10) builds the public site and deploys it to GitHub Pages.
 */
import { gitperfVersion } from '../infra/version.js';

/** Actions the workflows use, pinned to full commit shas (the tag is a comment for people and Dependabot). */
export const PINNED_ACTIONS = {
  checkout: 'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1',
  setupNode: 'actions/setup-node@820762786026740c76f36085b0efc47a31fe5020 # v7.0.0',
  uploadArtifact: 'actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f # v7.0.0',
  downloadArtifact: 'actions/download-artifact@3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c # v8.0.1',
  appToken: 'actions/create-github-app-token@1b10c78c7865c340bc4f6099eb2f838309f1e8c3 # v3.1.1',
  configurePages: 'actions/configure-pages@983d7736d9b0ae728b81ab479565c72886d7745b # v5.0.0',
  uploadPagesArtifact: 'actions/upload-pages-artifact@fc324d3547104276b827a68afc52ff2a11cc49c9 # v5.0.0',
  deployPages: 'actions/deploy-pages@cd2ce8fcbc39b97be8ca5fce6e763baed58fa128 # v5.0.0',
} as const;

/** Where `gitperf` comes from: npm in a registry (`package`), or built from the checkout in gitperf's own repository (`source`). */
export type GitperfSource = 'package' | 'source';

export interface TemplateFile {
  path: string;
  content: string;
}

/** `check` -> `.github/workflows/check.yml` (this repository) or `gitperf-check.yml` (a registry). */
function workflowPath(name: string, gitperf: GitperfSource): string {
  return `.github/workflows/${gitperf === 'source' ? '' : 'gitperf-'}${name}.yml`;
}

/** Node and gitperf, as steps of a job (indented for `steps:`). */
function setupSteps(gitperf: GitperfSource): string {
  const install =
    gitperf === 'source'
      ? `      - name: Build gitperf from this checkout
        run: npm ci --no-audit --no-fund && npm run build && npm link`
      : `      - name: Install gitperf
        run: npm install --global --no-audit --no-fund gitperf@${gitperfVersion()}`;
  return `      - uses: ${PINNED_ACTIONS.setupNode}
        with:
          node-version: 20
${install}`;
}

/**
 * The GitHub App token the bot and the result submissions act with: events caused by the workflow's own
 * GITHUB_TOKEN start no further workflows, so result pull requests opened with it would never be checked.
 * The App is installed on the registry only; the token is limited to what these steps need.
 */
const APP_TOKEN_STEP = `      - id: app-token
        uses: ${PINNED_ACTIONS.appToken}
        with:
          client-id: \${{ secrets.GITPERF_APP_CLIENT_ID }}
          private-key: \${{ secrets.GITPERF_APP_PRIVATE_KEY }}
          permission-contents: write
          permission-pull-requests: write
          permission-statuses: read`;

/**
 * The check on `pull_request` and `merge_group`: `gitperf validate --changed-since` and `gitperf policy
 * check` with annotations and a step summary; read-only token, no secrets; the decision JSON is uploaded as
 * an artifact for people (the privileged policy-status workflow evaluates again and never reads it). Pending approvals do not
 * fail this check (exit 3): the `gitperf/policy` status says who must approve. `gitperf` comes from npm in
 * a registry (`package`), or is built from the checkout in gitperf's own repository (`source`).
 */
export function checkWorkflow(gitperf: GitperfSource): TemplateFile {
  return {
    path: workflowPath('check', gitperf),
    content: `# gitperf check: validates what a pull request changes and runs the policy check. Read-only token, no
# secrets. The decision is kept as an artifact for people; the policy-status workflow evaluates again and
# never trusts it.
name: check
on:
  pull_request:
    branches: [main]
  merge_group:
permissions:
  contents: read
concurrency:
  group: check-\${{ github.event.pull_request.number || github.ref }}
  cancel-in-progress: true
jobs:
  check:
    runs-on: ubuntu-latest
    timeout-minutes: 15
    permissions:
      contents: read
    env:
      BASE_SHA: \${{ github.event.pull_request.base.sha || github.event.merge_group.base_sha }}
      HEAD_SHA: \${{ github.event.pull_request.head.sha || github.event.merge_group.head_sha }}
      AUTHOR: \${{ github.event.pull_request.user.login || github.actor }}
    steps:
      - uses: ${PINNED_ACTIONS.checkout}
        with:
          persist-credentials: false
          fetch-depth: 0
${setupSteps(gitperf)}
      - name: Validate the changed registry files
        # The checkout is the merge of the pull request into its base: validate that commit, from git objects.
        run: gitperf validate registry --changed-since "$BASE_SHA" --head HEAD --format github
      - name: Policy check
        # Pending (approvals missing) passes this check: the gitperf/policy status names who must approve.
        run: gitperf policy check --base "$BASE_SHA" --head "$HEAD_SHA" --author "$AUTHOR" --format github --decision-file decision.json --pending-ok
      - name: Keep the decision
        if: always()
        uses: ${PINNED_ACTIONS.uploadArtifact}
        with:
          name: gitperf-decision
          path: decision.json
          if-no-files-found: ignore
          retention-days: 7
`,
  };
}
/**
 * Runs on every review so that the privileged policy-status workflow (which follows it through
 * `workflow_run`) re-evaluates: a review on a fork's pull request gets no write token, so this workflow
 * does nothing itself.
 */
export function reviewWorkflow(gitperf: GitperfSource): TemplateFile {
  return {
    path: workflowPath('review', gitperf),
    content: `# gitperf review trigger: does nothing but exist. A review starts this run, and its completion starts the
# policy-status workflow (workflow_run), which evaluates the pull request with the base branch's code and a
# write token that reviews on fork pull requests never get.
name: review
on:
  pull_request_review:
    types: [submitted, edited, dismissed]
permissions: {}
jobs:
  trigger:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    permissions: {}
    steps:
      - run: echo "A review arrived; the policy-status workflow evaluates the pull request again."
`,
  };
}

/**
 * The commit status `gitperf/policy` on the pull request's head: after each check or review run
 * (`workflow_run`), with the default branch's code only. `gitperf policy status --github` reads the
 * event, asks the API for the pull request's current head, fetches it as git objects (nothing from the pull
 * request is executed, the check's artifact is not read), evaluates the policy with the base's rules and
 * CODEOWNERS, posts the status and requests the reviewers it names.
 */
export function policyStatusWorkflow(gitperf: GitperfSource): TemplateFile {
  return {
    path: workflowPath('policy-status', gitperf),
    content: `# gitperf policy status: posts the commit status gitperf/policy (success, failure, or pending naming who must
# approve) on a pull request's head after each check or review run, and requests those reviewers. Runs the
# default branch's code only: the pull request's files are read as git objects, never executed, and the
# check's artifact is not trusted (the policy is evaluated again here).
name: policy-status
on:
  workflow_run:
    workflows: [check, review]
    types: [completed]
permissions: {}
concurrency:
  group: policy-status-\${{ github.event.workflow_run.head_repository.full_name }}-\${{ github.event.workflow_run.head_branch }}
  cancel-in-progress: false
jobs:
  status:
    if: github.event.workflow_run.event == 'pull_request' || github.event.workflow_run.event == 'pull_request_review'
    runs-on: ubuntu-latest
    timeout-minutes: 10
    permissions:
      contents: read
      pull-requests: write
      statuses: write
    steps:
      - uses: ${PINNED_ACTIONS.checkout}
        with:
          persist-credentials: false
          fetch-depth: 0
${setupSteps(gitperf)}
      - name: Evaluate the policy and post gitperf/policy
        env:
          GITHUB_TOKEN: \${{ github.token }}
        run: gitperf policy status --github
`,
  };
}

/**
 * The merge bot: after each policy-status run, on a schedule (a sweep for anything missed) and by hand.
 * `gitperf bot --once` merges the submissions the policy passes, each merge pinned to the head it
 * evaluated (`pulls.merge({sha})`), with `Approved-by:` trailers; it acts with the GitHub App's token so
 * that the merge's push starts the execution workflow.
 */
export function mergeBotWorkflow(gitperf: GitperfSource): TemplateFile {
  return {
    path: workflowPath('merge-bot', gitperf),
    content: `# gitperf merge bot: merges the pull requests the policy passes, pinned to the head it evaluated, with
# Approved-by trailers. Acts with a GitHub App installation token: pushes made with the workflow's own
# GITHUB_TOKEN start no further workflows, so the execution workflow would never see the merge.
name: merge-bot
on:
  workflow_run:
    workflows: [policy-status]
    types: [completed]
  schedule:
    - cron: "17 * * * *"
  workflow_dispatch: {}
permissions: {}
concurrency:
  group: merge-bot
  cancel-in-progress: false
jobs:
  merge:
    runs-on: ubuntu-latest
    timeout-minutes: 15
    permissions:
      contents: read
    steps:
${APP_TOKEN_STEP}
      - uses: ${PINNED_ACTIONS.checkout}
        with:
          persist-credentials: false
          fetch-depth: 0
${setupSteps(gitperf)}
      - name: Merge the pull requests the policy passes
        env:
          GITHUB_TOKEN: \${{ steps.app-token.outputs.token }}
          GITPERF_BOT: \${{ steps.app-token.outputs.app-slug }}[bot]
        run: gitperf bot --once --github
`,
  };
}

/**
 * Execution: on a push to main that changes the registry, on a schedule and by hand. `plan` (hosted)
 * lists the pending jobs as a matrix; `run` sends each to the hospital's self-hosted runner by its
 * labels (main only, one job per dataset at a time, no token that can write to the registry) and
 * uploads the result file; `submit` (hosted) opens one result pull request per job with the App token.
 */
export function executeWorkflow(gitperf: GitperfSource): TemplateFile {
  return {
    path: workflowPath('execute', gitperf),
    content: `# gitperf execution: runs the (benchmark, dataset, model) jobs the registry waits for on the hospitals'
# self-hosted runners, then opens one result pull request per job. Never runs on a pull request: hospital
# runners only ever check out main, and they hold no token that can write to the registry (the result is
# handed to the hosted submit job as an artifact, where the policy checks it like any submission).
name: execute
on:
  push:
    branches: [main]
    paths: ["registry/**"]
  schedule:
    - cron: "41 */6 * * *"
  workflow_dispatch: {}
permissions: {}
concurrency:
  group: execute-plan
  cancel-in-progress: false
jobs:
  plan:
    runs-on: ubuntu-latest
    timeout-minutes: 10
    permissions:
      contents: read
    outputs:
      matrix: \${{ steps.plan.outputs.matrix }}
    steps:
      - uses: ${PINNED_ACTIONS.checkout}
        with:
          ref: main
          persist-credentials: false
          fetch-depth: 0
${setupSteps(gitperf)}
      - id: plan
        name: Plan the pending jobs
        run: gitperf plan --registry . --format github-matrix --output-name matrix >> "$GITHUB_OUTPUT"
  run:
    needs: plan
    # An empty plan skips the job. GitHub runs at most 256 jobs per matrix: the first chunk runs now and the
    # rest on the next pass (their results are submitted by then, so the plan moves on).
    if: fromJSON(needs.plan.outputs.matrix).empty == false
    runs-on: \${{ matrix.labels }}
    timeout-minutes: 360
    permissions:
      contents: read
    strategy:
      fail-fast: false
      max-parallel: 20
      matrix: \${{ fromJSON(needs.plan.outputs.matrix).chunks[0] }}
    concurrency:
      group: gitperf-dataset-\${{ matrix.dataset }}
      cancel-in-progress: false
    steps:
      - uses: ${PINNED_ACTIONS.checkout}
        with:
          ref: main
          persist-credentials: false
${setupSteps(gitperf)}
      - name: Run the job on the prepared dataset
        env:
          BENCHMARK: \${{ matrix.benchmark }}
          DATASET: \${{ matrix.dataset }}
          MODEL: \${{ matrix.model }}
        run: gitperf benchmark run --registry registry --benchmark "$BENCHMARK" --dataset "$DATASET" --model "$MODEL" --ignore-model-errors --out gitperf-result
      - name: Hand the result to the submit job
        uses: ${PINNED_ACTIONS.uploadArtifact}
        with:
          name: gitperf-result-\${{ matrix.id }}
          path: gitperf-result
          if-no-files-found: error
          retention-days: 7
  submit:
    needs: [plan, run]
    # Submit what finished even when some jobs failed.
    if: \${{ !cancelled() && fromJSON(needs.plan.outputs.matrix).empty == false }}
    runs-on: ubuntu-latest
    timeout-minutes: 15
    permissions:
      contents: read
    steps:
${APP_TOKEN_STEP}
      - uses: ${PINNED_ACTIONS.checkout}
        with:
          ref: main
          persist-credentials: false
          fetch-depth: 0
${setupSteps(gitperf)}
      - uses: ${PINNED_ACTIONS.downloadArtifact}
        with:
          pattern: gitperf-result-*
          path: gitperf-results
      - name: Open one result pull request per job
        env:
          GITHUB_TOKEN: \${{ steps.app-token.outputs.token }}
          GITPERF_BOT: \${{ steps.app-token.outputs.app-slug }}[bot]
        run: gitperf result submit --from gitperf-results --github
`,
  };
}

/**
 * The public leaderboard (issue 10): on every push to main, `gitperf leaderboard build` and a deploy to GitHub
 * Pages. Encrypted results are opened with the committee's age identity, a repository secret written to a
 * 0600 file for the build step only.
 */
export function leaderboardWorkflow(gitperf: GitperfSource): TemplateFile {
  return {
    path: workflowPath('leaderboard', gitperf),
    content: `# Builds the public leaderboard from the merged registry on every push to main and deploys it to
# GitHub Pages. Each benchmark page shows only what its sharing policy allows (gitperf leaderboard build).
# Actions are pinned to full commit shas (the tag in the comment says which release).
name: leaderboard

on:
  push:
    branches: [main]
  workflow_dispatch: {}

# Least privilege: nothing at the top; each job asks for what it needs (the build reads the repository and
# the Pages settings; only the deploy job publishes, with the OIDC token deploy-pages needs).
permissions: {}

concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      pages: read
    steps:
      - uses: ${PINNED_ACTIONS.checkout}
        with:
          # Full history: provenance names the merge commit of every result file.
          fetch-depth: 0
          persist-credentials: false
${setupSteps(gitperf)}
      # Results of benchmarks that share less than \`full\` are encrypted: the committee's age identity (the
      # repository secret GITPERF_COMMITTEE_AGE_IDENTITY, an AGE-SECRET-KEY-1... line) opens them for the build.
      # Without it they show as encrypted, not readable, and count in no number.
      - name: Build the site
        env:
          COMMITTEE_AGE_IDENTITY: \${{ secrets.GITPERF_COMMITTEE_AGE_IDENTITY }}
        run: |
          if [ -n "$COMMITTEE_AGE_IDENTITY" ]; then
            umask 077
            printf '%s\\n' "$COMMITTEE_AGE_IDENTITY" > "$RUNNER_TEMP/committee-age-identity"
            export GITPERF_AGE_IDENTITY="$RUNNER_TEMP/committee-age-identity"
          fi
          gitperf leaderboard build --out site --dir registry
          rm -f "$RUNNER_TEMP/committee-age-identity"
      - uses: ${PINNED_ACTIONS.configurePages}
      - uses: ${PINNED_ACTIONS.uploadPagesArtifact}
        with:
          path: site

  deploy:
    needs: build
    runs-on: ubuntu-latest
    permissions:
      pages: write
      id-token: write
    environment:
      name: github-pages
      url: \${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: ${PINNED_ACTIONS.deployPages}
`,
  };
}

/** Every workflow of a registry, as `gitperf init` writes it (`package`) or this repository commits it (`source`). */
export function registryWorkflows(gitperf: GitperfSource): TemplateFile[] {
  return [
    checkWorkflow(gitperf),
    reviewWorkflow(gitperf),
    policyStatusWorkflow(gitperf),
    mergeBotWorkflow(gitperf),
    executeWorkflow(gitperf),
    leaderboardWorkflow(gitperf),
  ];
}

export const WORKFLOW_TEMPLATES: readonly TemplateFile[] = registryWorkflows('package');
