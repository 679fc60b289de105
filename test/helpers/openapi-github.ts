/**
 * Contract harness for code that talks to GitHub through Octokit. It is a `fetch` that checks every
 * request against GitHub's own REST description (@octokit/openapi, api.github.com) and answers only
 * with responses that validate against the same description:
 *
 * - a request whose method and path match no operation fails;
 * - path and query parameters are checked against the operation's parameters (unknown ones fail);
 * - the JSON body is checked against the requestBody schema, and undeclared fields fail at any depth
 *   (GitHub ignores them, but sending one means the code believes in a field that does not exist);
 * - the scenario handler's answer must validate against the response schema for its status; a status
 *   the operation does not list is allowed only for GitHub's generic failures (401, 403, 404, 422,
 *   429, 5xx), and then it must be a `basic-error` or a `validation-error(-simple)`.
 *
 * A violation is recorded (tests assert `violations` is empty) and answered with a 400 naming the
 * problem, so the calling code also fails. The 13 MB description is parsed once per process and
 * validators are compiled per operation on first use.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped once more.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
// biome-ignore lint/suspicious/noExplicitAny: OpenAPI nodes are arbitrary JSON walked by pointer.
type Node = any;

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head'] as const;
/** Failures GitHub may answer on any operation, whether or not the description lists them. */
// 404 and 422 are here because the description omits them on many operations GitHub answers them for
// (e.g. `pulls/list-reviews` lists only 200, `repos/create-commit-status` only 201).
const GENERIC_STATUSES = new Set([401, 403, 404, 422, 429, 500, 502, 503, 504]);
const ERROR_SCHEMAS = ['basic-error', 'validation-error', 'validation-error-simple'];

interface Route {
  method: string;
  template: string;
  regex: RegExp;
  names: string[];
  literals: number;
  pointer: string;
  op: Node;
}

interface Spec {
  doc: Node;
  ajv: Ajv;
  routes: Route[];
  validators: Map<string, ValidateFunction>;
}

let spec: Spec | undefined;

function escapePointer(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

function atPointer(doc: Node, pointer: string): Node {
  let node = doc;
  for (const raw of pointer.split('/').slice(1)) {
    node = node?.[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

/** Follows `$ref`s from `pointer` to the node they finally name. */
function deref(doc: Node, pointer: string): { node: Node; pointer: string } {
  let p = pointer;
  let node = atPointer(doc, p);
  for (let i = 0; node && typeof node.$ref === 'string' && i < 20; i++) {
    p = node.$ref.slice(1);
    node = atPointer(doc, p);
  }
  return { node, pointer: p };
}

/** Parses the description and indexes its routes; once per process. */
export function githubSpec(): Spec {
  if (spec) return spec;
  const require = createRequire(import.meta.url);
  const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  // strict:false because the description uses OpenAPI keywords (example, discriminator, x-*) JSON Schema
  // does not know; ajv understands OpenAPI 3.0's `nullable` natively.
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormats(ajv);
  for (const f of ['repo.nwo', 'binary', 'timestamp']) ajv.addFormat(f, true);
  ajv.addSchema({ $id: 'gh', paths: doc.paths, components: doc.components });
  const routes: Route[] = [];
  for (const [template, item] of Object.entries<Node>(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const names: string[] = [];
      let literals = 0;
      const source = template
        .split('/')
        .map((seg) => {
          const m = /^\{([^}]+)\}$/.exec(seg);
          if (m) {
            names.push(m[1]);
            return '([^/]+)';
          }
          if (seg.includes('{')) {
            // e.g. `{basehead}` parts inside a segment: each placeholder is one non-slash run.
            return seg.replace(
              /\{([^}]+)\}|([^{]+)/g,
              (_all, name: string | undefined, lit: string | undefined) => {
                if (name) {
                  names.push(name);
                  return '([^/]+?)';
                }
                return (lit ?? '').replace(/[.*+?^$()|[\]\\]/g, '\\$&');
              },
            );
          }
          literals++;
          return seg.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
        })
        .join('/');
      routes.push({
        method: method.toUpperCase(),
        template,
        regex: new RegExp(`^${source}$`),
        names,
        literals,
        pointer: `/paths/${escapePointer(template)}/${method}`,
        op,
      });
    }
  }
  // The most literal route wins, so `/pulls/comments` is not taken for `/pulls/{pull_number}`.
  routes.sort((a, b) => b.literals - a.literals);
  spec = { doc, ajv, routes, validators: new Map() };
  return spec;
}

function validatorAt(pointer: string): ValidateFunction {
  const s = githubSpec();
  let v = s.validators.get(pointer);
  if (!v) {
    const found = s.ajv.getSchema(`gh#${pointer}`);
    if (!found) throw new Error(`no schema at ${pointer}`);
    v = found;
    s.validators.set(pointer, found);
  }
  return v;
}

function explain(v: ValidateFunction): string {
  return (v.errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || '(root)'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`)
    .join('; ');
}

/** Checks `value` against the schema at `pointer`; returns a sentence per problem (empty when valid). */
export function validateAt(pointer: string, value: unknown): string[] {
  const v = validatorAt(pointer);
  return v(value) ? [] : [explain(v)];
}

/** The JSON schema pointer of the operation's response for `status`, or null when it has no body. */
function responseSchemaPointer(route: Route, status: number): string | null | undefined {
  const s = githubSpec();
  const r = route.op.responses?.[String(status)];
  if (!r) return undefined;
  const { node, pointer } = deref(s.doc, `${route.pointer}/responses/${status}`);
  const content = node?.content;
  if (!content) return null;
  const type = Object.keys(content).find((t) => /json/.test(t) && content[t].schema);
  return type ? `${pointer}/content/${escapePointer(type)}/schema` : null;
}

const FORMAT_SAMPLES: Record<string, string> = {
  'date-time': '2026-01-01T00:00:00Z',
  date: '2026-01-01',
  uri: 'https://api.github.com/sample',
  'uri-template': 'https://api.github.com/sample{/id}',
  email: 'octocat@example.com',
  'repo.nwo': 'octo/sample',
};

/**
 * A minimal instance of the schema at `pointer`, valid by construction and checked: required fields
 * only, nullable fields null, the first enum value, the first `oneOf`/`anyOf` branch that validates.
 * Scenario models start from it and set the fields they mean, so canned answers carry every field
 * the description requires without anyone inventing them.
 */
export function sampleAt(pointer: string): Json {
  let cached = samples.get(pointer);
  if (cached === undefined) {
    cached = sampleNode(pointer, 0);
    samples.set(pointer, cached);
  }
  return structuredClone(cached);
}

const samples = new Map<string, Json>();

function sampleNode(pointer: string, depth: number): Json {
  const s = githubSpec();
  const { node, pointer: p } = deref(s.doc, pointer);
  if (!node || depth > 25) return null;
  if (depth > 0 && node.nullable) return null;
  if (Array.isArray(node.allOf)) {
    let out: Json = {};
    node.allOf.forEach((_: Node, i: number) => {
      out = deepMerge(out, sampleNode(`${p}/allOf/${i}`, depth + 1));
    });
    return out;
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    if (Array.isArray(node[key])) {
      for (let i = 0; i < node[key].length; i++) {
        const candidate = sampleNode(`${p}/${key}/${i}`, depth + 1);
        if (validateAt(p, candidate).length === 0) return candidate;
      }
      return sampleNode(`${p}/${key}/0`, depth + 1);
    }
  }
  if (Array.isArray(node.enum)) return node.enum[0];
  const type = node.type ?? (node.properties ? 'object' : undefined);
  switch (type) {
    case 'object': {
      const out: { [k: string]: Json } = {};
      for (const name of node.required ?? []) {
        out[name] = node.properties?.[name]
          ? sampleNode(`${p}/properties/${escapePointer(name)}`, depth + 1)
          : '';
      }
      return out;
    }
    case 'array':
      return node.minItems > 0 ? [sampleNode(`${p}/items`, depth + 1)] : [];
    case 'string':
      return FORMAT_SAMPLES[node.format] ?? 'x'.repeat(Math.max(1, node.minLength ?? 1));
    case 'integer':
    case 'number':
      return node.minimum ?? 1;
    case 'boolean':
      return false;
    default:
      return {};
  }
}

/** A valid `components/schemas/<name>` instance, e.g. `sampleComponent('simple-user')`. */
export function sampleComponent(name: string): Json {
  return sampleAt(`/components/schemas/${escapePointer(name)}`);
}

function isPlain(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `patch` over `base`: objects merge key by key, anything else (arrays included) is replaced. */
export function deepMerge(base: Json, patch: unknown): Json {
  if (!isPlain(base) || !isPlain(patch)) return patch as Json;
  const out: Record<string, Json> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    out[k] = k in base ? deepMerge(base[k], v) : (v as Json);
  }
  return out;
}

export interface ContractRequest {
  operationId: string;
  method: string;
  /** The description's path template, e.g. `/repos/{owner}/{repo}/pulls/{pull_number}`. */
  template: string;
  url: URL;
  /** Decoded and typed path parameters. */
  params: Record<string, string | number>;
  query: Record<string, string | number | boolean>;
  body: Record<string, unknown> | undefined;
  headers: Record<string, string>;
  /** A schema-valid sample of this operation's response for `status`, to overlay with the scenario's fields. */
  sample(status: number): Json;
  /** The same for one item of a list response (`pulls/list`, `pulls/list-reviews`). */
  sampleItem(status: number): Json;
}

export interface ContractResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type ContractHandler = (req: ContractRequest) => ContractResponse | Promise<ContractResponse>;

export interface ContractCall {
  operationId: string;
  method: string;
  path: string;
  status: number;
}

export interface ContractHarness {
  fetch: typeof fetch;
  /** Every request, in order, with the status it was answered with. */
  calls: ContractCall[];
  /** Operations whose request and response both validated. */
  validated: Set<string>;
  /** Contract violations; a passing test leaves this empty. */
  violations: string[];
}

/**
 * Fields the schema at `pointer` does not declare, at any depth (`tree/0/contnet`). Objects whose schema
 * allows extra properties, or combines schemas (allOf/oneOf/anyOf), are not inspected.
 */
function unknownFields(pointer: string, value: unknown, at: string): string[] {
  const { node, pointer: p } = deref(githubSpec().doc, pointer);
  if (!node || node.allOf || node.oneOf || node.anyOf) return [];
  if (Array.isArray(value) && node.items) {
    return value.flatMap((v, i) => unknownFields(`${p}/items`, v, `${at}${i}/`));
  }
  if (!isPlain(value) || !node.properties || node.additionalProperties !== undefined) return [];
  return Object.entries(value).flatMap(([k, v]) =>
    k in node.properties
      ? unknownFields(`${p}/properties/${escapePointer(k)}`, v, `${at}${k}/`)
      : [`${at}${k}`],
  );
}

function coerce(schema: Node, raw: string): string | number | boolean {
  const type = schema?.type;
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (type === 'boolean' && (raw === 'true' || raw === 'false')) return raw === 'true';
  return raw;
}

function paramsOf(route: Route): Array<{ node: Node; pointer: string }> {
  const s = githubSpec();
  const list = route.op.parameters ?? [];
  return list.map((_: Node, i: number) => deref(s.doc, `${route.pointer}/parameters/${i}`));
}

/**
 * A fetch for Octokit's `request.fetch`. `options.pathPrefix` is stripped first (e.g. `/api/v3` for a
 * GitHub Enterprise Server base URL).
 */
export function createContractFetch(
  handler: ContractHandler,
  options: { pathPrefix?: string } = {},
): ContractHarness {
  const s = githubSpec();
  const harness: ContractHarness = {
    fetch: undefined as never,
    calls: [],
    validated: new Set(),
    violations: [],
  };

  const refuse = (call: ContractCall, problem: string): Response => {
    harness.violations.push(`${call.method} ${call.path}: ${problem}`);
    call.status = 400;
    harness.calls.push(call);
    return new Response(JSON.stringify({ message: `contract violation: ${problem}` }), {
      status: 400,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
  };

  const contractFetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const method = (init.method ?? 'GET').toUpperCase();
    let pathname = url.pathname;
    if (options.pathPrefix && pathname.startsWith(options.pathPrefix)) {
      pathname = pathname.slice(options.pathPrefix.length) || '/';
    }
    const call: ContractCall = { operationId: '?', method, path: `${pathname}${url.search}`, status: 0 };
    let route: Route | undefined;
    let match: RegExpExecArray | null = null;
    for (const r of s.routes) {
      if (r.method !== method) continue;
      match = r.regex.exec(pathname);
      if (match) {
        route = r;
        break;
      }
    }
    if (!route || !match)
      return refuse(call, 'no operation in GitHub’s REST description matches this method and path');
    call.operationId = route.op.operationId;
    const problems: string[] = [];

    // Path and query parameters.
    const params: Record<string, string | number> = {};
    const query: Record<string, string | number | boolean> = {};
    const declared = paramsOf(route);
    route.names.forEach((name, i) => {
      const decl = declared.find((d) => d.node.in === 'path' && d.node.name === name);
      const raw = decodeURIComponent(match[i + 1]);
      const value = coerce(decl?.node.schema, raw);
      params[name] = value as string | number;
      if (decl?.node.schema) {
        for (const e of validateAt(`${decl.pointer}/schema`, value))
          problems.push(`path parameter ${name}: ${e}`);
      }
    });
    for (const [name, raw] of url.searchParams) {
      const decl = declared.find((d) => d.node.in === 'query' && d.node.name === name);
      if (!decl) {
        problems.push(`unknown query parameter "${name}"`);
        continue;
      }
      const value = coerce(decl.node.schema, raw);
      query[name] = value;
      for (const e of validateAt(`${decl.pointer}/schema`, value))
        problems.push(`query parameter ${name}: ${e}`);
    }
    for (const d of declared) {
      if (d.node.in === 'query' && d.node.required && !url.searchParams.has(d.node.name)) {
        problems.push(`missing required query parameter "${d.node.name}"`);
      }
    }

    // Body.
    let body: Record<string, unknown> | undefined;
    const text = typeof init.body === 'string' ? init.body : init.body == null ? '' : String(init.body);
    const rb = route.op.requestBody ? deref(s.doc, `${route.pointer}/requestBody`) : undefined;
    const jsonType = rb?.node.content && Object.keys(rb.node.content).find((t: string) => /json/.test(t));
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        problems.push('the body is not JSON');
      }
      if (!rb || !jsonType) {
        problems.push('the operation takes no JSON body, but one was sent');
      } else if (body !== undefined) {
        const bodyPointer = `${rb.pointer}/content/${escapePointer(jsonType)}/schema`;
        for (const e of validateAt(bodyPointer, body)) problems.push(`body: ${e}`);
        for (const f of unknownFields(bodyPointer, body, '')) problems.push(`body: unknown field "${f}"`);
      }
    } else if (rb?.node.required) {
      problems.push('the operation requires a body, but none was sent');
    }
    if (problems.length > 0) return refuse(call, problems.join('; '));

    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((v, k) => {
      headers[k] = v;
    });
    const request: ContractRequest = {
      operationId: route.op.operationId,
      method,
      template: route.template,
      url,
      params,
      query,
      body,
      headers,
      sample: (status) => {
        const p = responseSchemaPointer(route, status);
        if (!p) throw new Error(`${route.op.operationId} has no JSON response for ${status}`);
        return sampleAt(p);
      },
      sampleItem: (status) => {
        const p = responseSchemaPointer(route, status);
        if (!p) throw new Error(`${route.op.operationId} has no JSON response for ${status}`);
        return sampleAt(`${p}/items`);
      },
    };
    const answer = await handler(request);

    // Response.
    const pointer = responseSchemaPointer(route, answer.status);
    if (pointer === undefined) {
      if (!GENERIC_STATUSES.has(answer.status)) {
        return refuse(
          call,
          `${route.op.operationId} never answers ${answer.status} according to the description`,
        );
      }
      const errs = ERROR_SCHEMAS.map((n) => validateAt(`/components/schemas/${n}`, answer.body ?? {}));
      if (errs.every((e) => e.length > 0)) problems.push(`response ${answer.status}: ${errs[0].join('; ')}`);
    } else if (pointer === null) {
      // A listed failure without content (e.g. request-reviewers' 422) still carries GitHub's error JSON.
      if (answer.body !== undefined && answer.status < 400) {
        problems.push(`response ${answer.status} has no body in the description`);
      } else if (answer.body !== undefined) {
        const errs = ERROR_SCHEMAS.map((n) => validateAt(`/components/schemas/${n}`, answer.body));
        if (errs.every((e) => e.length > 0))
          problems.push(`response ${answer.status}: ${errs[0].join('; ')}`);
      }
    } else {
      for (const e of validateAt(pointer, answer.body)) problems.push(`response ${answer.status}: ${e}`);
    }
    if (problems.length > 0) return refuse(call, problems.join('; '));

    call.status = answer.status;
    harness.calls.push(call);
    harness.validated.add(route.op.operationId);
    const noBody = answer.body === undefined || answer.status === 204 || answer.status === 304;
    return new Response(noBody ? null : JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'content-type': 'application/json; charset=utf-8', ...answer.headers },
    });
  };
  harness.fetch = contractFetch as typeof fetch;
  return harness;
}

/** `pulls.listReviews` -> `pulls/list-reviews`, the operationId the description uses. */
export function operationIdOf(octokitMethod: string): string {
  const [ns, method] = octokitMethod.split('.');
  return `${ns}/${method.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}
