/**
 * A small in-memory GitHub repository behind the contract harness: refs, trees, commits, pull
 * requests, reviews, review requests and commit statuses, with the refusals GitHub documents
 * (stale merge sha -> 409, unmergeable -> 405, self-approval and author review requests -> 422,
 * existing ref -> 422). Every answer starts from a schema sample of the operation's response
 * (`req.sample(status)`) and the harness validates it, so shapes come from GitHub's description.
 */
import { createHash } from 'node:crypto';
import type { ContractRequest, ContractResponse } from '../../helpers/openapi-github.js';
import { deepMerge, sampleComponent } from '../../helpers/openapi-github.js';

interface Commit {
  sha: string;
  tree: string;
  parents: string[];
  message: string;
  author: string;
}

interface Pull {
  number: number;
  title: string;
  body: string;
  author: string;
  head: string;
  base: string;
  /** The base commit the branch was made from; the merge applies the head's changes since then. */
  forkPoint: string;
  headSha: string;
  state: 'open' | 'closed';
  mergedSha?: string;
  mergedAt?: string;
  createdAt: string;
  requested: string[];
  teams: string[];
  /** `owner/name` of the repository the head branch lives in, when it is a fork. */
  headRepo?: string;
}

interface StoredReview {
  id: number;
  user: string;
  state: string;
  commitId: string;
  body: string;
  submittedAt: string;
}

export interface Fault {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const API = 'https://api.github.com';
const HTML = 'https://github.com';

function sha1(...parts: string[]): string {
  return createHash('sha1').update(parts.join('\0')).digest('hex');
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function error(status: number, message: string, headers?: Record<string, string>): ContractResponse {
  return {
    status,
    body: { message, documentation_url: 'https://docs.github.com/rest' },
    ...(headers ? { headers } : {}),
  };
}

export class GitHubModel {
  readonly owner: string;
  readonly repo: string;
  readonly defaultBranch = 'main';
  /** token -> login; a request with another token gets 401. */
  readonly tokens = new Map<string, string>();
  readonly collaborators = new Set<string>();
  /** Team slugs of the owner organisation that may be asked for reviews. */
  readonly teams = new Set<string>(['admins']);
  readonly refs = new Map<string, string>();
  readonly trees = new Map<string, Map<string, string>>();
  readonly blobs = new Map<string, string>();
  readonly commits = new Map<string, Commit>();
  readonly pulls: Pull[] = [];
  readonly reviews = new Map<number, StoredReview[]>();
  readonly statuses = new Map<
    string,
    Array<{ state: string; context: string; description: string; target_url?: string }>
  >();
  /** Logins with admin rights on the repository (registering self-hosted runners needs them). */
  readonly admins = new Set<string>();
  /** Self-hosted runners registered on the repository, by name. */
  readonly runners = new Map<string, { id: number; labels: string[]; jitConfig: string }>();
  private readonly faults = new Map<string, Fault[]>();
  private clock = Date.parse('2026-03-01T10:00:00Z');
  private reviewIds = 1000;

  constructor(owner = 'medperf', repo = 'registry') {
    this.owner = owner;
    this.repo = repo;
    const registry = 'apiVersion: gitperf/v1\nkind: Registry\n';
    const blob = sha1('blob', registry);
    this.blobs.set(blob, registry);
    const tree = this.writeTree(new Map([['registry/registry.yaml', blob]]));
    const root = this.writeCommit(tree, [], 'Initial registry', 'admin');
    this.refs.set('heads/main', root);
  }

  /** Registers a user with write access and the token that authenticates as them. */
  addUser(login: string, token = `token-${login}`): string {
    this.tokens.set(token, login);
    this.collaborators.add(login.toLowerCase());
    return token;
  }

  /** The next `times` requests to `operationId` are answered with `fault` instead. */
  failNext(operationId: string, fault: Fault, times = 1): void {
    const list = this.faults.get(operationId) ?? [];
    for (let i = 0; i < times; i++) list.push(fault);
    this.faults.set(operationId, list);
  }

  private now(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  writeTree(files: Map<string, string>): string {
    const entries = [...files.entries()].sort(([a], [b]) => a.localeCompare(b));
    const sha = sha1('tree', ...entries.flat());
    this.trees.set(sha, new Map(files));
    return sha;
  }

  writeCommit(tree: string, parents: string[], message: string, author: string): string {
    const sha = sha1('commit', tree, ...parents, message, author, String(this.commits.size));
    this.commits.set(sha, { sha, tree, parents, message, author });
    return sha;
  }

  /** Whether `ancestor` is reachable from `sha` through parents. */
  isAncestor(ancestor: string, sha: string): boolean {
    const todo = [sha];
    const seen = new Set<string>();
    while (todo.length > 0) {
      const c = todo.pop() as string;
      if (c === ancestor) return true;
      if (seen.has(c)) continue;
      seen.add(c);
      todo.push(...(this.commits.get(c)?.parents ?? []));
    }
    return false;
  }

  /** The file map at a commit: path -> blob sha. */
  filesAt(commitSha: string): Map<string, string> {
    const c = this.commits.get(commitSha);
    if (!c) throw new Error(`no commit ${commitSha}`);
    return this.trees.get(c.tree) ?? new Map();
  }

  /** Text of `path` at the tip of `branch`. */
  readFile(branch: string, path: string): string | undefined {
    const tip = this.refs.get(`heads/${branch}`);
    const blob = tip ? this.filesAt(tip).get(path) : undefined;
    return blob ? this.blobs.get(blob) : undefined;
  }

  /** Someone pushes a new commit to `branch` (a PR update or a moving base). */
  push(branch: string, files: Record<string, string>, author = 'someone'): string {
    const tip = this.refs.get(`heads/${branch}`);
    if (!tip) throw new Error(`no branch ${branch}`);
    const next = new Map(this.filesAt(tip));
    for (const [path, content] of Object.entries(files)) {
      const blob = sha1('blob', content);
      this.blobs.set(blob, content);
      next.set(path, blob);
    }
    const sha = this.writeCommit(this.writeTree(next), [tip], `push to ${branch}`, author);
    this.refs.set(`heads/${branch}`, sha);
    return sha;
  }

  commit(sha: string): Commit | undefined {
    return this.commits.get(sha);
  }

  pull(number: number): Pull | undefined {
    return this.pulls.find((p) => p.number === number);
  }

  /** A PR's head follows its branch while open, as on GitHub. */
  private headOf(p: Pull): string {
    if (p.state === 'open') {
      const tip = this.refs.get(`heads/${p.head}`);
      if (tip) p.headSha = tip;
    }
    return p.headSha;
  }

  private user(login: string): unknown {
    return deepMerge(sampleComponent('simple-user'), {
      login,
      id: login.length * 1000 + login.charCodeAt(0),
      // An App's bot login (`name[bot]`) is escaped in URLs, as GitHub does.
      url: `${API}/users/${encodeURIComponent(login)}`,
      html_url: `${HTML}/${encodeURIComponent(login)}`,
    });
  }

  /** `sample` is the operation's response sample: a pull-request, or a pull-request-simple for lists. */
  private pullJson(sample: unknown, p: Pull): unknown {
    const head = this.headOf(p);
    const base = p.state === 'open' ? (this.refs.get(`heads/${p.base}`) ?? p.forkPoint) : p.forkPoint;
    const full = isPlain(sample) && 'merged' in sample;
    return deepMerge(sample as never, {
      url: `${API}/repos/${this.owner}/${this.repo}/pulls/${p.number}`,
      html_url: `${HTML}/${this.owner}/${this.repo}/pull/${p.number}`,
      number: p.number,
      title: p.title,
      body: p.body,
      state: p.state,
      user: this.user(p.author),
      created_at: p.createdAt,
      updated_at: p.createdAt,
      closed_at: p.state === 'closed' ? (p.mergedAt ?? p.createdAt) : null,
      merged_at: p.mergedAt ?? null,
      merge_commit_sha: p.mergedSha ?? null,
      requested_reviewers: p.requested.map((l) => this.user(l)),
      ...(p.teams.length
        ? {
            requested_teams: p.teams.map((t) =>
              deepMerge(sampleComponent('team'), {
                slug: t,
                name: t,
                url: `${API}/orgs/${this.owner}/teams/${t}`,
                html_url: `${HTML}/orgs/${this.owner}/teams/${t}`,
              }),
            ),
          }
        : {}),
      head: {
        ref: p.head,
        sha: head,
        label: `${this.owner}:${p.head}`,
        user: this.user(this.owner),
        repo: this.repoJson(p.headRepo),
      },
      base: { ref: p.base, sha: base, label: `${this.owner}:${p.base}`, user: this.user(this.owner) },
      ...(full ? { merged: p.mergedSha !== undefined, mergeable: p.state === 'open' ? true : null } : {}),
    });
  }

  private reviewJson(sample: unknown, pr: number, r: StoredReview): unknown {
    return deepMerge(sample as never, {
      id: r.id,
      node_id: `PRR_${r.id}`,
      user: this.user(r.user),
      body: r.body,
      state: r.state,
      commit_id: r.commitId,
      submitted_at: r.submittedAt,
      html_url: `${HTML}/${this.owner}/${this.repo}/pull/${pr}#pullrequestreview-${r.id}`,
      pull_request_url: `${API}/repos/${this.owner}/${this.repo}/pulls/${pr}`,
      author_association: 'COLLABORATOR',
      _links: {
        html: { href: `${HTML}/${this.owner}/${this.repo}/pull/${pr}#pullrequestreview-${r.id}` },
        pull_request: { href: `${API}/repos/${this.owner}/${this.repo}/pulls/${pr}` },
      },
    });
  }

  /** Answers one page of `items`, with the `link` header Octokit's paginate follows. */
  private page(req: ContractRequest, items: unknown[]): ContractResponse {
    const perPage = Number(req.query.per_page ?? 30);
    const page = Number(req.query.page ?? 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const at = (n: number) => {
      const u = new URL(req.url.href);
      u.searchParams.set('page', String(n));
      return u.href;
    };
    const links: string[] = [];
    if (page < last) links.push(`<${at(page + 1)}>; rel="next"`, `<${at(last)}>; rel="last"`);
    return {
      status: 200,
      body: items.slice((page - 1) * perPage, page * perPage),
      ...(links.length ? { headers: { link: links.join(', ') } } : {}),
    };
  }

  /** The harness handler. */
  handle = (req: ContractRequest): ContractResponse => {
    const fault = this.faults.get(req.operationId)?.shift();
    if (fault) return { status: fault.status, body: fault.body, headers: fault.headers };
    const token = /^(?:token|bearer) (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const login = token ? this.tokens.get(token) : undefined;
    if (!login) return error(401, 'Bad credentials');
    if (req.params.owner !== this.owner || req.params.repo !== this.repo) {
      if (req.operationId !== 'users/get-authenticated') return error(404, 'Not Found');
    }
    const b = req.body ?? {};
    const pullNumber = Number(req.params.pull_number);

    switch (req.operationId) {
      case 'users/get-authenticated':
        // An App installation token (its bot) may not read the authenticated user, as on GitHub.
        if (login.endsWith('[bot]')) return error(403, 'Resource not accessible by integration');
        return {
          status: 200,
          body: deepMerge(req.sample(200), {
            login,
            url: `${API}/users/${login}`,
            html_url: `${HTML}/${login}`,
          }),
        };
      case 'repos/get':
        return {
          status: 200,
          body: deepMerge(req.sample(200), {
            name: this.repo,
            full_name: `${this.owner}/${this.repo}`,
            default_branch: this.defaultBranch,
            owner: this.user(this.owner),
            html_url: `${HTML}/${this.owner}/${this.repo}`,
          }),
        };
      case 'git/get-ref': {
        const ref = String(req.params.ref);
        const sha = this.refs.get(ref);
        if (!sha) return error(404, 'Not Found');
        return { status: 200, body: this.refJson(req, 200, ref, sha) };
      }
      case 'git/get-commit': {
        const c = this.commits.get(String(req.params.commit_sha));
        if (!c) return error(404, 'Not Found');
        return {
          status: 200,
          body: deepMerge(req.sample(200), {
            sha: c.sha,
            message: c.message,
            tree: { sha: c.tree, url: `${API}/repos/${this.owner}/${this.repo}/git/trees/${c.tree}` },
            parents: c.parents.map((p) => ({
              sha: p,
              url: `${API}/repos/${this.owner}/${this.repo}/git/commits/${p}`,
              html_url: `${HTML}/${this.owner}/${this.repo}/commit/${p}`,
            })),
          }),
        };
      }
      case 'git/create-tree': {
        const baseTree = b.base_tree ? this.trees.get(String(b.base_tree)) : new Map<string, string>();
        if (!baseTree) return error(422, 'Invalid tree info');
        const files = new Map(baseTree);
        for (const e of b.tree as Array<{ path: string; sha?: string | null; content?: string }>) {
          if (e.content !== undefined) {
            const blob = sha1('blob', e.content);
            this.blobs.set(blob, e.content);
            files.set(e.path, blob);
          } else if (e.sha === null) {
            files.delete(e.path);
          } else if (e.sha && this.blobs.has(e.sha)) {
            files.set(e.path, e.sha);
          } else {
            return error(422, 'tree.sha is not a valid blob');
          }
        }
        const sha = this.writeTree(files);
        return {
          status: 201,
          body: deepMerge(req.sample(201), {
            sha,
            url: `${API}/repos/${this.owner}/${this.repo}/git/trees/${sha}`,
            tree: [...files].map(([path, blob]) => ({
              path,
              mode: '100644',
              type: 'blob',
              sha: blob,
              size: (this.blobs.get(blob) ?? '').length,
              url: `${API}/repos/${this.owner}/${this.repo}/git/blobs/${blob}`,
            })),
          }),
        };
      }
      case 'git/create-commit': {
        const tree = String(b.tree);
        const parents = (b.parents as string[] | undefined) ?? [];
        if (!this.trees.has(tree) || parents.some((p) => !this.commits.has(p))) {
          return error(422, 'Tree SHA does not exist');
        }
        const sha = this.writeCommit(tree, parents, String(b.message), login);
        const when = this.now();
        return {
          status: 201,
          body: deepMerge(req.sample(201), {
            sha,
            message: b.message,
            url: `${API}/repos/${this.owner}/${this.repo}/git/commits/${sha}`,
            html_url: `${HTML}/${this.owner}/${this.repo}/commit/${sha}`,
            author: { name: login, email: `${login}@example.com`, date: when },
            committer: { name: login, email: `${login}@example.com`, date: when },
            tree: { sha: tree, url: `${API}/repos/${this.owner}/${this.repo}/git/trees/${tree}` },
            parents: parents.map((p) => ({
              sha: p,
              url: `${API}/repos/${this.owner}/${this.repo}/git/commits/${p}`,
              html_url: `${HTML}/${this.owner}/${this.repo}/commit/${p}`,
            })),
          }),
        };
      }
      case 'git/create-ref': {
        const ref = String(b.ref).replace(/^refs\//, '');
        if (this.refs.has(ref)) return error(422, 'Reference already exists');
        if (!this.commits.has(String(b.sha))) return error(422, 'Object does not exist');
        this.refs.set(ref, String(b.sha));
        return { status: 201, body: this.refJson(req, 201, ref, String(b.sha)) };
      }
      case 'git/update-ref': {
        const ref = String(req.params.ref);
        const old = this.refs.get(ref);
        const sha = String(b.sha);
        if (!old) return error(422, 'Reference does not exist');
        if (!this.commits.has(sha)) return error(422, 'Object does not exist');
        if (!b.force && !this.isAncestor(old, sha)) return error(422, 'Update is not a fast forward');
        this.refs.set(ref, sha);
        return { status: 200, body: this.refJson(req, 200, ref, sha) };
      }
      case 'repos/get-combined-status-for-ref': {
        const sha = this.refs.get(`heads/${req.params.ref}`) ?? String(req.params.ref);
        if (!this.commits.has(sha)) return error(404, 'Not Found');
        const latest = new Map<
          string,
          { state: string; context: string; description: string; target_url?: string }
        >();
        for (const st of this.statuses.get(sha) ?? []) latest.set(st.context, st);
        const list = [...latest.values()];
        const state = list.some((x) => x.state === 'failure' || x.state === 'error')
          ? 'failure'
          : list.length > 0 && list.every((x) => x.state === 'success')
            ? 'success'
            : 'pending';
        return {
          status: 200,
          body: deepMerge(req.sample(200), {
            state,
            sha,
            total_count: list.length,
            statuses: list.map((x, i) =>
              deepMerge(sampleComponent('simple-commit-status'), {
                id: i + 1,
                state: x.state,
                context: x.context,
                description: x.description,
                target_url: x.target_url ?? null,
              }),
            ),
          }),
        };
      }
      case 'pulls/list-files': {
        const p = this.pull(pullNumber);
        if (!p) return error(404, 'Not Found');
        const before = this.filesAt(p.forkPoint);
        const after = this.filesAt(this.headOf(p));
        const items: unknown[] = [];
        for (const path of [...new Set([...before.keys(), ...after.keys()])].sort()) {
          const a = before.get(path);
          const z = after.get(path);
          if (a === z) continue;
          items.push(
            deepMerge(req.sampleItem(200), {
              filename: path,
              status: a === undefined ? 'added' : z === undefined ? 'removed' : 'modified',
              sha: z ?? a,
              additions: 1,
              deletions: 0,
              changes: 1,
              blob_url: `${HTML}/${this.owner}/${this.repo}/blob/${z ?? a}/${path}`,
              raw_url: `${HTML}/${this.owner}/${this.repo}/raw/${z ?? a}/${path}`,
              contents_url: `${API}/repos/${this.owner}/${this.repo}/contents/${path}`,
            }),
          );
        }
        return this.page(req, items);
      }
      case 'git/delete-ref': {
        const ref = String(req.params.ref);
        if (!this.refs.delete(ref)) return error(422, 'Reference does not exist');
        return { status: 204 };
      }
      case 'pulls/create': {
        const head = String(b.head);
        const base = String(b.base);
        const headSha = this.refs.get(`heads/${head}`);
        const baseSha = this.refs.get(`heads/${base}`);
        if (!headSha || !baseSha) return error(422, 'Validation Failed');
        if (this.pulls.some((p) => p.head === head && p.state === 'open')) {
          return error(422, `A pull request already exists for ${this.owner}:${head}.`);
        }
        const p: Pull = {
          number: this.pulls.length + 1,
          title: String(b.title),
          body: String(b.body ?? ''),
          author: login,
          head,
          base,
          forkPoint: this.commits.get(headSha)?.parents[0] ?? baseSha,
          headSha,
          state: 'open',
          createdAt: this.now(),
          requested: [],
          teams: [],
        };
        this.pulls.push(p);
        return { status: 201, body: this.pullJson(req.sample(201), p) };
      }
      case 'pulls/list': {
        const state = String(req.query.state ?? 'open');
        // `head` is `owner:branch`; this model's pull requests all come from the owner's repository unless
        // they record a fork (`headRepo`).
        const head = req.query.head === undefined ? undefined : String(req.query.head);
        const items = this.pulls
          .filter((p) => state === 'all' || p.state === state)
          .filter(
            (p) => head === undefined || head === `${(p.headRepo ?? this.owner).split('/')[0]}:${p.head}`,
          )
          .sort((a, b) => b.number - a.number)
          .map((p) => this.pullJson(req.sampleItem(200), p));
        // Each page item must be a pull-request-simple: sample once, overlay per pull request.
        return this.page(req, items);
      }
      case 'pulls/get': {
        const p = this.pull(pullNumber);
        if (!p) return error(404, 'Not Found');
        return { status: 200, body: this.pullJson(req.sample(200), p) };
      }
      case 'pulls/update': {
        const p = this.pull(pullNumber);
        if (!p) return error(404, 'Not Found');
        if (b.state === 'closed' && p.state === 'open') {
          this.headOf(p);
          p.state = 'closed';
        }
        return { status: 200, body: this.pullJson(req.sample(200), p) };
      }
      case 'pulls/list-reviews': {
        if (!this.pull(pullNumber)) return error(404, 'Not Found');
        const items = (this.reviews.get(pullNumber) ?? []).map((r) =>
          this.reviewJson(req.sampleItem(200), pullNumber, r),
        );
        return this.page(req, items);
      }
      case 'pulls/create-review': {
        const p = this.pull(pullNumber);
        if (!p) return error(404, 'Not Found');
        const event = String(b.event ?? 'PENDING');
        if (p.author === login && (event === 'APPROVE' || event === 'REQUEST_CHANGES')) {
          return {
            status: 422,
            body: {
              message: 'Unprocessable Entity',
              errors: [
                `Can not ${event === 'APPROVE' ? 'approve' : 'request changes on'} your own pull request`,
              ],
              documentation_url:
                'https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request',
            },
          };
        }
        if ((event === 'REQUEST_CHANGES' || event === 'COMMENT') && !b.body) {
          return error(422, 'Unprocessable Entity');
        }
        const state =
          event === 'APPROVE'
            ? 'APPROVED'
            : event === 'REQUEST_CHANGES'
              ? 'CHANGES_REQUESTED'
              : event === 'COMMENT'
                ? 'COMMENTED'
                : 'PENDING';
        const r: StoredReview = {
          id: this.reviewIds++,
          user: login,
          state,
          commitId: String(b.commit_id ?? this.headOf(p)),
          body: String(b.body ?? ''),
          submittedAt: this.now(),
        };
        const list = this.reviews.get(pullNumber) ?? [];
        list.push(r);
        this.reviews.set(pullNumber, list);
        return { status: 200, body: this.reviewJson(req.sample(200), pullNumber, r) };
      }
      case 'pulls/request-reviewers': {
        const p = this.pull(pullNumber);
        if (!p) return error(404, 'Not Found');
        const wanted = (b.reviewers as string[] | undefined) ?? [];
        if (wanted.some((l) => l.toLowerCase() === p.author.toLowerCase())) {
          return error(422, 'Review cannot be requested from pull request author.');
        }
        if (wanted.some((l) => !this.collaborators.has(l.toLowerCase()))) {
          return error(
            422,
            `Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ${this.owner}/${this.repo} repository.`,
          );
        }
        const teams = (b.team_reviewers as string[] | undefined) ?? [];
        if (teams.some((t) => !this.teams.has(t))) {
          return error(422, 'Could not resolve to a node with the global id of the team.');
        }
        for (const l of wanted) if (!p.requested.includes(l)) p.requested.push(l);
        for (const t of teams) if (!p.teams.includes(t)) p.teams.push(t);
        return { status: 201, body: this.pullJson(req.sample(201), p) };
      }
      case 'repos/create-commit-status': {
        const sha = String(req.params.sha);
        if (!this.commits.has(sha)) return error(422, `No commit found for SHA: ${sha}`);
        const list = this.statuses.get(sha) ?? [];
        const s = {
          state: String(b.state),
          context: String(b.context ?? 'default'),
          description: String(b.description ?? ''),
          ...(b.target_url ? { target_url: String(b.target_url) } : {}),
        };
        list.push(s);
        this.statuses.set(sha, list);
        return {
          status: 201,
          body: deepMerge(req.sample(201), {
            id: list.length,
            state: s.state,
            context: s.context,
            description: s.description,
            target_url: s.target_url ?? null,
            creator: this.user(login),
            url: `${API}/repos/${this.owner}/${this.repo}/statuses/${sha}`,
          }),
        };
      }
      case 'pulls/merge':
        return this.merge(req, pullNumber, b, login);
      case 'actions/generate-runner-jitconfig-for-repo': {
        if (!this.admins.has(login)) return error(403, 'Resource not accessible by integration');
        const name = String(b.name);
        if (this.runners.has(name))
          return error(409, 'Already exists - A runner with the name already exists.');
        const labels = b.labels as string[];
        const id = 40 + this.runners.size;
        const jitConfig = Buffer.from(
          JSON.stringify({ name, labels, url: `${HTML}/${this.owner}/${this.repo}` }),
        ).toString('base64');
        this.runners.set(name, { id, labels, jitConfig });
        return {
          status: 201,
          body: deepMerge(req.sample(201), {
            runner: {
              id,
              name,
              os: 'unknown',
              status: 'offline',
              busy: false,
              ephemeral: true,
              labels: labels.map((label, i) => ({ id: i + 1, name: label, type: 'custom' })),
            },
            encoded_jit_config: jitConfig,
          }),
        };
      }
      default:
        return error(404, `the model does not implement ${req.operationId}`);
    }
  };

  /** The `repository` object pull requests embed for their head. */
  private repoJson(fullName = `${this.owner}/${this.repo}`): unknown {
    return deepMerge(sampleComponent('repository'), {
      name: fullName.split('/')[1],
      full_name: fullName,
      owner: this.user(this.owner),
      html_url: `${HTML}/${this.owner}/${this.repo}`,
      url: `${API}/repos/${this.owner}/${this.repo}`,
      default_branch: this.defaultBranch,
    });
  }

  private refJson(req: ContractRequest, status: number, ref: string, sha: string): unknown {
    return deepMerge(req.sample(status), {
      ref: `refs/${ref}`,
      node_id: `REF_${sha.slice(0, 8)}`,
      url: `${API}/repos/${this.owner}/${this.repo}/git/refs/${ref}`,
      object: { type: 'commit', sha, url: `${API}/repos/${this.owner}/${this.repo}/git/commits/${sha}` },
    });
  }

  /**
   * Applies the head's changes since its fork point onto the current base; a path both sides changed
   * is a conflict (405), a head that is not `sha` is 409, as GitHub answers.
   */
  private merge(
    req: ContractRequest,
    number: number,
    b: Record<string, unknown>,
    login: string,
  ): ContractResponse {
    const p = this.pull(number);
    if (!p) return error(404, 'Not Found');
    if (p.state !== 'open') return error(405, 'Pull Request is not mergeable');
    const head = this.headOf(p);
    if (b.sha !== undefined && b.sha !== head) {
      return error(409, 'Head branch was modified. Review and try the merge again.');
    }
    const baseTip = this.refs.get(`heads/${p.base}`);
    if (!baseTip) return error(405, 'Pull Request is not mergeable');
    const fork = this.filesAt(p.forkPoint);
    const theirs = this.filesAt(baseTip);
    const ours = this.filesAt(head);
    const merged = new Map(theirs);
    for (const path of new Set([...fork.keys(), ...ours.keys()])) {
      if (fork.get(path) === ours.get(path)) continue;
      if (theirs.get(path) !== fork.get(path) && theirs.get(path) !== ours.get(path)) {
        return error(405, 'Pull Request is not mergeable');
      }
      const blob = ours.get(path);
      if (blob === undefined) merged.delete(path);
      else merged.set(path, blob);
    }
    const title = String(b.commit_title ?? `Merge pull request #${number} from ${this.owner}/${p.head}`);
    const message = b.commit_message ? `${title}\n\n${b.commit_message}` : title;
    const sha = this.writeCommit(this.writeTree(merged), [baseTip, head], message, login);
    this.refs.set(`heads/${p.base}`, sha);
    p.state = 'closed';
    p.mergedSha = sha;
    p.mergedAt = this.now();
    return {
      status: 200,
      body: deepMerge(req.sample(200), { sha, merged: true, message: 'Pull Request successfully merged' }),
    };
  }
}
