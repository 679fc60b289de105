/**
 * The GitHub workflow files `gitperf init` writes into a new registry. They are PLACEHOLDERS: the
 * workflows issue replaces them with the real validation, policy, execution and leaderboard
 * workflows. Each one is a valid workflow that runs, says it is a placeholder, and succeeds, so a new
 * registry pushed to GitHub has no red checks before then. Kept in code (not loose files) so they ship
 * inside cli/dist with the package.
 */
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
  placeholder(
    'gitperf-check.yml',
    'check',
    '  pull_request:\n    branches: [main]',
    'validates every pull request and runs the policy check (the required status check)',
  ),
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
