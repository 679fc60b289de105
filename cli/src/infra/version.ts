import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The running gitperf version (package.json), recorded in test reports and results. */
export function gitperfVersion(): string {
  if (cached) return cached;
  // cli/src/infra and cli/dist/infra are both three levels below the package root.
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  cached = pkg.version;
  return cached;
}
