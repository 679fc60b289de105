import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup/containers.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Container and git tests spawn processes; two workers match the 2-core CI machine.
    pool: 'forks',
    maxWorkers: 2,
    server: { deps: { inline: ['@actions/workflow-parser', '@actions/expressions'] } },
  },
});
