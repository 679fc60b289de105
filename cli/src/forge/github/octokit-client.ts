import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';

/** Octokit with GitHub's recommended retry (5xx) and throttling (primary and secondary rate limits) plugins. */
export const GitperfOctokit = Octokit.plugin(retry, throttling);
export type GitperfOctokit = InstanceType<typeof GitperfOctokit>;

export interface OctokitClientOptions {
  token: string;
  /** `https://api.github.com` (default) or a GitHub Enterprise Server's `https://HOST/api/v3`. */
  baseUrl?: string;
  /** Replaces the global fetch: tests answer requests without a network. */
  fetch?: typeof fetch;
  /** Retries of a failed (5xx) request; default 3. */
  retries?: number;
  /**
   * Milliseconds per "second" of GitHub's retry-after and of the retry back-off (default 1000).
   * Tests set 1 so retries take milliseconds; production keeps GitHub's timing.
   */
  retryAfterBaseMs?: number;
  /**
   * Space content-creating requests one second apart, as GitHub asks to stay under its secondary rate
   * limit (default true). Tests turn it off.
   */
  paceWrites?: boolean;
  /** Where rate-limit warnings go; default stderr. */
  warn?: (message: string) => void;
}

// The throttling plugin schedules writes through Bottleneck groups; this one runs the job at once.
const unpaced = {
  key: () => ({ schedule: async (_options: unknown, job: () => unknown) => job() }),
};

export function createOctokit(clientOptions: OctokitClientOptions): GitperfOctokit {
  const base = clientOptions.retryAfterBaseMs ?? 1000;
  const warn = clientOptions.warn ?? ((m: string) => process.stderr.write(`warning: ${m}\n`));
  const pacing =
    clientOptions.paceWrites === false
      ? // why: the plugin only calls key().schedule() on these groups; Bottleneck is not a direct dependency.
        { write: unpaced as never, notifications: unpaced as never }
      : {};
  return new GitperfOctokit({
    auth: clientOptions.token,
    baseUrl: clientOptions.baseUrl?.replace(/\/+$/, ''),
    userAgent: 'gitperf',
    // Failed requests become diagnostics; Octokit's own request log would print them a second time.
    log: { debug: () => {}, info: () => {}, warn, error: () => {} },
    request: clientOptions.fetch ? { fetch: clientOptions.fetch } : {},
    retry: { retries: clientOptions.retries ?? 3, retryAfterBaseValue: base },
    throttle: {
      ...pacing,
      retryAfterBaseValue: base,
      fallbackSecondaryRateRetryAfter: 60,
      onRateLimit: (retryAfter, options, _octokit, retryCount) => {
        // A primary limit resets hourly; wait only when the reset is near, once.
        const ok = retryCount < 1 && retryAfter <= 60;
        warn(
          `GitHub rate limit reached for ${options.method} ${options.url}; ${ok ? `retrying in ${retryAfter} s` : 'giving up'}.`,
        );
        return ok;
      },
      onSecondaryRateLimit: (retryAfter, options, _octokit, retryCount) => {
        const ok = retryCount < 2;
        warn(
          `GitHub secondary rate limit for ${options.method} ${options.url}; ${ok ? `retrying in ${retryAfter} s` : 'giving up'}.`,
        );
        return ok;
      },
    },
  });
}
