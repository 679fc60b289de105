/**
 * `gitperf mlcube submit`: fetch the manifest (and parameters, additional files, image tarball), hash
 * them, check the manifest is a real MLCube manifest, write `registry/mlcubes/<owner>/<name>.yaml`, and
 * open the submission. Registering your own MLCube is self-service: it merges once the checks pass.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CODE_FOLDER_URL_SUFFIX,
  codeFolderHash,
  isFolderUrl,
  type Manifest,
  parseManifest,
  registeredCodeFolder,
} from '../cube/index.js';
import { type Diagnostic, fail, warning } from '../diagnostics/diagnostic.js';
import { homeLayout } from '../infra/gitperf-home.js';
import { isName, type Kind, ownedRef } from '../registry/kinds.js';
import { repoEntityPath } from '../registry/layout.js';
import type { MLCube, Resource } from '../registry/types.generated.js';
import { checkEntity } from '../workflows/entities.js';
import { me, type Participant } from './context.js';
import { type ResolvedResource, type ResolveOptions, resolveResource } from './resources.js';
import { registrySnapshot } from './snapshot.js';
import { entityFile, type SubmitOutcome, submit } from './submit.js';

export interface MlcubeSubmitInput {
  name: string;
  /** mlcube.yaml: a path, file:// or https:// URL. */
  manifest: string;
  parameters?: string;
  /** A tar.gz of the cube's additional files. */
  additionalFiles?: string;
  /**
   * The local runner's code: a folder (recorded as a folder URL and the hash of its canonical tar) or a tar
   * archive (path or URL). Default: the manifest's code folder when the manifest is a local file with a
   * `local:` command.
   */
  code?: string;
  /** `REF@sha256:…` (pinned) or `REF`; default: the manifest's docker.image, unpinned. */
  image?: string;
  imageTarball?: string;
  /** Register it in `operation` state (usable by benchmarks; then its hashes can never change). */
  operational?: boolean;
  description?: string;
}

export interface MlcubeSubmitOutcome extends SubmitOutcome {
  entity: MLCube;
  path: string;
  diagnostics: Diagnostic[];
}

const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;

export function parseImage(image: string): { reference: string; digest?: string } {
  const at = image.lastIndexOf('@');
  if (at < 0) return { reference: image };
  const digest = image.slice(at + 1);
  if (!DIGEST_RE.test(digest))
    fail(
      'mlcube.image-invalid',
      `--image ${image}: the digest after @ must be sha256:<64 lower-case hex>`,
      {},
      2,
    );
  return { reference: image.slice(0, at), digest };
}

export async function buildMlcube(
  participant: Participant,
  input: MlcubeSubmitInput,
  repoRoot: string,
): Promise<{ entity: MLCube; diagnostics: Diagnostic[] }> {
  const owner = me(participant);
  if (!isName(input.name))
    fail(
      'mlcube.name-invalid',
      `"${input.name}" is not a valid MLCube name (lower-case letters, digits and -)`,
      {},
      2,
    );
  if (input.image && input.imageTarball)
    fail('mlcube.image-ambiguous', 'give --image or --image-tarball, not both', {}, 2);
  const opts = (label: string) => ({
    repoRoot,
    cwd: participant.cwd,
    tmpDir: homeLayout(participant.home).staging,
    label,
  });
  const diagnostics: Diagnostic[] = [];
  const manifest = await resolveResource(input.manifest, opts('manifest'));
  diagnostics.push(...manifest.diagnostics);
  const parsed = parseManifest(await readFile(manifest.path, 'utf8'), input.manifest);
  if (!parsed.ok) {
    const problem = parsed.diagnostics.find((x) => x.severity === 'error') ?? parsed.diagnostics[0];
    fail(
      'mlcube.manifest-invalid',
      `${input.manifest} is not a valid mlcube.yaml or container_config.yaml: ${problem?.message ?? 'unreadable'}`,
      {
        file: input.manifest,
        ...(problem?.line ? { line: problem.line } : {}),
      },
    );
  }
  // MedPerf binds a container_config.yaml's additional_files folder even when empty; an MLCube default needs the files.
  if (!input.additionalFiles && parsed.value.format === 'mlcube')
    requireNoAdditionalFiles(parsed.value, input.manifest);
  const spec: MLCube['spec'] = {
    manifest: manifest.resource,
    state: input.operational ? 'operation' : 'development',
    valid: true,
  } as MLCube['spec'];
  if (input.parameters) {
    const resolved = await resolveResource(input.parameters, opts('parameters file'));
    diagnostics.push(...resolved.diagnostics);
    spec.parameters = resolved.resource;
  }
  if (input.additionalFiles) {
    const resolved = await resolveResource(input.additionalFiles, opts('additional files'));
    diagnostics.push(...resolved.diagnostics);
    spec.additionalFiles = resolved.resource;
  }
  const code = await codeResource(input.code, manifest, parsed.value, opts('code'));
  if (code) {
    diagnostics.push(...code.diagnostics);
    spec.code = code.resource;
  }
  if (input.imageTarball) {
    const resolved = await resolveResource(input.imageTarball, opts('image tarball'));
    diagnostics.push(...resolved.diagnostics);
    spec.imageTarball = resolved.resource;
  } else {
    const fromManifest =
      parsed.value.format === 'container_config'
        ? parsed.value.containerType === 'DockerImage'
          ? parsed.value.image
          : undefined
        : parsed.value.docker?.image;
    const image = input.image
      ? parseImage(input.image)
      : fromManifest
        ? { reference: fromManifest }
        : undefined;
    if (!image)
      fail(
        'mlcube.image-missing',
        parsed.value.format === 'container_config' && parsed.value.containerType !== 'DockerImage'
          ? `a ${parsed.value.containerType} container runs from its image file; give it with --image-tarball FILE (the file container_config.yaml's image names)`
          : 'the manifest names no docker image; give --image REF@sha256:DIGEST or --image-tarball FILE',
        {},
        2,
      );
    spec.image = image;
  }
  const ordered: MLCube['spec'] = {
    manifest: spec.manifest,
    ...(spec.parameters ? { parameters: spec.parameters } : {}),
    ...(spec.additionalFiles ? { additionalFiles: spec.additionalFiles } : {}),
    ...(spec.code ? { code: spec.code } : {}),
    ...(spec.image ? { image: spec.image } : {}),
    ...(spec.imageTarball ? { imageTarball: spec.imageTarball } : {}),
    state: spec.state,
    valid: true,
  } as MLCube['spec'];
  const entity: MLCube = {
    apiVersion: 'gitperf/v1',
    kind: 'MLCube',
    metadata: { name: input.name, owner, ...(input.description ? { description: input.description } : {}) },
    spec: ordered,
  };
  checkSchema('MLCube', entity);
  return { entity, diagnostics };
}

export async function submitMlcube(
  participant: Participant,
  input: MlcubeSubmitInput,
): Promise<MlcubeSubmitOutcome> {
  const snap = await registrySnapshot(participant.sub, participant.home);
  const { entity, diagnostics } = await buildMlcube(participant, input, snap.root);
  for (const diagnostic of diagnostics) participant.onWarning?.(diagnostic);
  const path = repoEntityPath('MLCube', ownedRef(entity.metadata.owner, entity.metadata.name));
  const out = await submit(participant, [entityFile(path, entity)]);
  return { ...out, entity, path, diagnostics };
}

/**
 * The code resource to register: the folder or archive given, else the manifest's code folder (its own folder,
 * or its build context ../X) when the manifest is a local file and has a local command. A folder is recorded
 * as a folder URL (a registry path, or file://, ending in /) with the sha256 of gitperf's canonical tar of it,
 * so nothing has to be published besides the folder itself.
 */
async function codeResource(
  given: string | undefined,
  manifest: ResolvedResource,
  parsedManifest: Manifest,
  options: ResolveOptions,
): Promise<{ resource: Resource; diagnostics: Diagnostic[] } | undefined> {
  let folder: string;
  if (given !== undefined) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(given) && !/^file:\/\//i.test(given)) {
      if (isFolderUrl(given))
        fail(
          'mlcube.code-invalid',
          `--code ${given}: a remote code folder cannot be packed; give a tar archive's URL`,
          {},
          2,
        );
      return resolveResource(given, options);
    }
    const local = /^file:\/\//i.test(given)
      ? fileURLToPath(given)
      : resolve(options.cwd ?? process.cwd(), given);
    const inRepo = isAbsolute(given) || /^file:/i.test(given) ? undefined : resolve(options.repoRoot, given);
    const isDir = async (candidate: string | undefined) =>
      candidate ? ((await stat(candidate).catch(() => undefined))?.isDirectory() ?? false) : false;
    if (inRepo && (await isDir(inRepo))) folder = inRepo;
    else if (await isDir(local)) folder = local;
    else return resolveResource(given, options);
  } else {
    if (/^https?:\/\//i.test(manifest.resource.url) || !parsedManifest.local) return undefined;
    folder = resolve(dirname(manifest.path), registeredCodeFolder(parsedManifest));
  }
  const hash = await codeFolderHash(folder);
  if (!hash.ok) {
    const hashError = hash.diagnostics.find((x) => x.severity === 'error');
    fail(
      'mlcube.code-invalid',
      `code of the MLCube: ${hashError?.message ?? `cannot pack ${folder}`}`,
      {},
      2,
    );
  }
  const rel = relative(options.repoRoot, folder);
  const inside = !rel.startsWith('..') && !isAbsolute(rel);
  const url = inside
    ? `${rel === '' ? '.' : rel.split(sep).join('/')}${CODE_FOLDER_URL_SUFFIX}`
    : `${pathToFileURL(folder).href.replace(/\/$/, '')}${CODE_FOLDER_URL_SUFFIX}`;
  const diagnostics: Diagnostic[] = inside
    ? []
    : [
        warning(
          'resource.local-only',
          `code: ${url} is a folder on this machine only; other participants cannot fetch it. Register the cube from the registry repository, or pass --code with an https:// URL of a tar archive, for real use`,
        ),
      ];
  return { resource: { url, sha256: hash.value }, diagnostics };
}

/**
 * A task that reads `additional_files/...` of the workspace gets them only from the registered
 * additional-files tarball; without `--additional-files` the cube could never run, and once merged
 * its hashes can never change, so refuse now rather than at the first compatibility test.
 */
function requireNoAdditionalFiles(manifest: Manifest, manifestArg: string): void {
  for (const task of manifest.tasks)
    for (const taskInput of task.inputs) {
      const rel = taskInput.default.replace(/^(\.\/)+/, '');
      if (rel !== 'additional_files' && !rel.startsWith('additional_files/')) continue;
      fail(
        'mlcube.additional-files-missing',
        `task ${task.name} reads ${rel} (input ${taskInput.name}), which only the cube's additional files provide; ` +
          'pass them as a tar.gz with --additional-files (the content of workspace/additional_files)',
        { file: manifestArg, ...(taskInput.line ? { line: taskInput.line } : {}) },
        2,
      );
    }
}

/** Refuse to submit an entity the registry's schema rejects (a bug or bad input), naming the field. */
export function checkSchema(kind: Kind, value: unknown): void {
  checkEntity(kind, value);
}
