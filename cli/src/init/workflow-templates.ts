/**
 * The GitHub workflow files `gitperf init` writes into a new registry: the pull-request check (real), and
 * PLACEHOLDERS for the workflows whose commands do not exist yet (execution, leaderboard); each placeholder
 * is a valid workflow that says so and succeeds, so a new registry pushed to GitHub has no red checks.
 * Kept in code (not loose files) so they ship inside cli/dist with the package. Every one follows the
 * workflow rules (test/helpers/workflow-rules.ts) and passes actionlint: test/workflows-rules.test.ts.
 */
import { gitperfVersion } from '../infra/version.js';

/** Actions the workflows use, pinned to full commit shas (the tag is a comment for people and Dependabot). */
export const PINNED_ACTIONS = {
  checkout: 'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1',
  setupNode: 'actions/setup-node@820762786026740c76f36085b0efc47a31fe5020 # v7.0.0',
  uploadArtifact: 'actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f # v7.0.0',
} as const;

/**
 * The check on `pull_request` and `merge_group`: `gitperf validate --changed-since` and `gitperf policy
 * check` with annotations and a step summary; read-only token, no secrets; the decision JSON is uploaded as
 * an artifact (the privileged policy-status workflow treats it as untrusted data). Pending approvals do not
 * fail this check (exit 3): the `gitperf/policy` status says who must approve. `gitperf` comes from npm in
 * a registry (`package`), or is built from the checkout in gitperf's own repository (`source`).
 */
export function checkWorkflow(gitperf: 'package' | 'source'): TemplateFile {
  const install =
    gitperf === 'source'
      ? `      - name: Build gitperf from this checkout
        run: npm ci --no-audit --no-fund && npm run build && npm link`
      : `      - name: Install gitperf
        run: npm install --global --no-audit --no-fund gitperf@${gitperfVersion()}`;
  return {
    path: `.github/workflows/${gitperf === 'source' ? 'check.yml' : 'gitperf-check.yml'}`,
    content: `# gitperf check: validates what a pull request changes and runs the policy check. Read-only token, no
# secrets; the decision is uploaded as an artifact for the policy-status workflow (untrusted data there).
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
      - uses: ${PINNED_ACTIONS.setupNode}
        with:
          node-version: 20
${install}
      - name: Validate the changed registry files
        # The checkout is the merge of the pull request into its base: validate that commit, from git objects.
        run: gitperf validate registry --changed-since "$BASE_SHA" --head HEAD --format github
      - name: Policy check
        run: |
          status=0
          gitperf policy check --base "$BASE_SHA" --head "$HEAD_SHA" --author "$AUTHOR" --json > decision.json || status=$?
          gitperf policy check --base "$BASE_SHA" --head "$HEAD_SHA" --author "$AUTHOR" --format github || true
          # 0 pass, 3 pending (approvals missing: the gitperf/policy status names them); anything else fails.
          [ "$status" -eq 0 ] || [ "$status" -eq 3 ]
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
export interface TemplateFile {
  path: string;
  content: string;
}

function placeholder(file: string, name: string, on: string, purpose: string): TemplateFile {
  return {
    path: `.github/workflows/${file}`,
    content: `# PLACEHOLDER written by \`gitperf init\`: ${purpose}
# The real workflow is filled in by a later gitperf issue (the workflows issue); until then this job only
# says so and succeeds. Replace this file with the released workflow when it exists.
name: ${name}
on:
${on}
permissions:
  contents: read
jobs:
  placeholder:
    runs-on: ubuntu-latest
    steps:
      - run: 'echo "gitperf ${name} - placeholder workflow, replaced by a later gitperf release"'
`,
  };
}

export const WORKFLOW_TEMPLATES: readonly TemplateFile[] = [
  checkWorkflow('package'),
  placeholder(
    'gitperf-execute.yml',
    'execute',
    '  push:\n    branches: [main]\n  workflow_dispatch: {}',
    "sends pending (benchmark, dataset, model) jobs to the hospitals' self-hosted runners",
  ),
  placeholder(
    'gitperf-leaderboard.yml',
    'leaderboard',
    '  push:\n    branches: [main]',
    "builds the leaderboard from merged results under each benchmark's sharing policy",
  ),
];
