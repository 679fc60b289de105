import { error, GitperfError } from '../../diagnostics/diagnostic.js';

/** The parts of an Octokit RequestError this module reads; duck-typed so a network failure is handled too. */
interface HttpFailure {
  status: number;
  message: string;
  response?: {
    headers?: Record<string, string | number | undefined>;
    data?: unknown;
  };
}

function isHttpFailure(failure: unknown): failure is HttpFailure {
  return (
    typeof failure === 'object' &&
    failure !== null &&
    typeof (failure as { status?: unknown }).status === 'number'
  );
}

/** GitHub's own explanation: `message` plus the `errors[].message`/`code` details a 422 carries. */
export function githubMessage(failure: unknown): string {
  if (!isHttpFailure(failure)) return failure instanceof Error ? failure.message : String(failure);
  const data = failure.response?.data;
  if (typeof data !== 'object' || data === null) return failure.message;
  const body = data as { message?: unknown; errors?: unknown };
  const parts: string[] = [];
  if (typeof body.message === 'string') parts.push(body.message);
  if (Array.isArray(body.errors)) {
    for (const item of body.errors) {
      if (typeof item === 'string') parts.push(item);
      else if (item && typeof item === 'object') {
        const it = item as { message?: unknown; code?: unknown; field?: unknown };
        if (typeof it.message === 'string') parts.push(it.message);
        else if (typeof it.code === 'string')
          parts.push(typeof it.field === 'string' ? `${it.field}: ${it.code}` : it.code);
      }
    }
  }
  return parts.length > 0 ? parts.join('; ') : failure.message;
}

export function httpStatus(failure: unknown): number | undefined {
  return isHttpFailure(failure) ? failure.status : undefined;
}

function header(failure: HttpFailure, name: string): string | undefined {
  const value = failure.response?.headers?.[name];
  return value === undefined ? undefined : String(value);
}

/**
 * Turns whatever Octokit threw into a GitperfError that says what failed and what to do.
 * `what` names the operation for people ("open pull request #3", "read branch main").
 * A GitperfError passes through unchanged.
 */
export function toGitperfError(failure: unknown, what: string, repo: string): GitperfError {
  if (failure instanceof GitperfError) return failure;
  if (!isHttpFailure(failure)) {
    const msg = failure instanceof Error ? failure.message : String(failure);
    return new GitperfError(error('github.unreachable', `Could not ${what} on ${repo}: ${msg}.`));
  }
  const gh = githubMessage(failure);
  const status = failure.status;
  if (status === 401) {
    return new GitperfError(
      error(
        'github.unauthorized',
        `GitHub rejected the token while trying to ${what} (401 ${gh}): set GITHUB_TOKEN or GH_TOKEN to a valid, unexpired token.`,
      ),
    );
  }
  const rateLimited =
    status === 429 ||
    (status === 403 && (header(failure, 'x-ratelimit-remaining') === '0' || /rate limit/i.test(gh)));
  if (rateLimited) {
    const reset = Number(header(failure, 'x-ratelimit-reset'));
    const when =
      Number.isFinite(reset) && reset > 0
        ? `after ${new Date(reset * 1000).toISOString()}`
        : 'in a few minutes';
    return new GitperfError(
      error(
        'github.rate-limited',
        `GitHub's rate limit stopped the attempt to ${what} on ${repo} (${gh}); try again ${when}, or use a token with a higher limit.`,
      ),
    );
  }
  if (status === 403) {
    return new GitperfError(
      error(
        'github.forbidden',
        `GitHub refused to ${what} on ${repo} (403 ${gh}): the token needs write access to contents, pull requests and commit statuses of the repository.`,
      ),
    );
  }
  if (status === 404) {
    return new GitperfError(
      error(
        'github.not-found',
        `GitHub found nothing to ${what} on ${repo} (404): check the profile's repository and number, and that the token can read the repository (GitHub answers 404 for private repositories a token cannot see).`,
      ),
    );
  }
  if (status === 409) {
    return new GitperfError(
      error('github.conflict', `GitHub reported a conflict trying to ${what} on ${repo} (409 ${gh}).`),
    );
  }
  if (status === 422) {
    return new GitperfError(
      error('github.validation-failed', `GitHub did not accept the request to ${what} on ${repo}: ${gh}.`),
    );
  }
  if (status >= 500) {
    return new GitperfError(
      error(
        'github.unavailable',
        `GitHub failed to ${what} on ${repo} (${status} ${gh}) after retrying; try again later (https://www.githubstatus.com).`,
      ),
    );
  }
  return new GitperfError(
    error('github.request-failed', `GitHub refused to ${what} on ${repo} (${status} ${gh}).`),
  );
}
