/**
 * `gitperf mlcube submit`: fetch the manifest (and parameters, additional files, image tarball), hash
 * them, check the manifest is a real MLCube manifest, write `registry/mlcubes/<owner>/<name>.yaml`, and
 * open the submission. Registering your own MLCube is self-service: it merges once the checks pass.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Manifest, parseManifest } from '../cube/index.js';
import { type Diagnostic, fail } from '../diagnostics/diagnostic.js';
import type { Kind } from '../registry/kinds.js';
import type { MLCube } from '../registry/types.generated.js';
import { checkEntity } from '../workflows/entities.js';
import { me, type Participant } from './context.js';
import { resolveResource } from './resources.js';
import { registrySnapshot } from './snapshot.js';
import { entityFile, type SubmitOutcome, submit } from './submit.js';

export interface MlcubeSubmitInput {
  name: string;
  /** mlcube.yaml: a path, file:// or https:// URL. */
  manifest: string;
  parameters?: string;
  /** A tar.gz of the cube's additional files. */
  additionalFiles?: string;
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

const NAME_RE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;

export function parseImage(s: string): { reference: string; digest?: string } {
  const at = s.lastIndexOf('@');
  if (at < 0) return { reference: s };
  const digest = s.slice(at + 1);
  if (!DIGEST_RE.test(digest))
    fail(
      'mlcube.image-invalid',
      `--image ${s}: the digest after @ must be sha256:<64 lower-case hex>`,
      {},
      2,
    );
  return { reference: s.slice(0, at), digest };
}

export async function buildMlcube(
  p: Participant,
  input: MlcubeSubmitInput,
  repoRoot: string,
): Promise<{ entity: MLCube; diagnostics: Diagnostic[] }> {
  const owner = me(p);
  if (!NAME_RE.test(input.name))
    fail(
      'mlcube.name-invalid',
      `"${input.name}" is not a valid MLCube name (lower-case letters, digits and -)`,
      {},
      2,
    );
  if (input.image && input.imageTarball)
    fail('mlcube.image-ambiguous', 'give --image or --image-tarball, not both', {}, 2);
  const opts = (label: string) => ({ repoRoot, cwd: p.cwd, tmpDir: join(p.home, '.tmp'), label });
  const diagnostics: Diagnostic[] = [];
  const manifest = await resolveResource(input.manifest, opts('manifest'));
  diagnostics.push(...manifest.diagnostics);
  const parsed = parseManifest(await readFile(manifest.path, 'utf8'), input.manifest);
  if (!parsed.ok) {
    const d = parsed.diagnostics.find((x) => x.severity === 'error') ?? parsed.diagnostics[0];
    fail(
      'mlcube.manifest-invalid',
      `${input.manifest} is not a valid mlcube.yaml or container_config.yaml: ${d?.message ?? 'unreadable'}`,
      {
        file: input.manifest,
        ...(d?.line ? { line: d.line } : {}),
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
    const r = await resolveResource(input.parameters, opts('parameters file'));
    diagnostics.push(...r.diagnostics);
    spec.parameters = r.resource;
  }
  if (input.additionalFiles) {
    const r = await resolveResource(input.additionalFiles, opts('additional files'));
    diagnostics.push(...r.diagnostics);
    spec.additionalFiles = r.resource;
  }
  if (input.imageTarball) {
    const r = await resolveResource(input.imageTarball, opts('image tarball'));
    diagnostics.push(...r.diagnostics);
    spec.imageTarball = r.resource;
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

export async function submitMlcube(p: Participant, input: MlcubeSubmitInput): Promise<MlcubeSubmitOutcome> {
  const snap = await registrySnapshot(p.sub, p.home);
  const { entity, diagnostics } = await buildMlcube(p, input, snap.root);
  for (const d of diagnostics) p.onWarning?.(d);
  const path = `registry/mlcubes/${entity.metadata.owner}/${entity.metadata.name}.yaml`;
  const out = await submit(p, [entityFile(path, entity)]);
  return { ...out, entity, path, diagnostics };
}

/**
 * A task that reads `additional_files/...` of the workspace gets them only from the registered
 * additional-files tarball; without `--additional-files` the cube could never run, and once merged
 * its hashes can never change, so refuse now rather than at the first compatibility test.
 */
function requireNoAdditionalFiles(m: Manifest, manifestArg: string): void {
  for (const t of m.tasks)
    for (const i of t.inputs) {
      const rel = i.default.replace(/^(\.\/)+/, '');
      if (rel !== 'additional_files' && !rel.startsWith('additional_files/')) continue;
      fail(
        'mlcube.additional-files-missing',
        `task ${t.name} reads ${rel} (input ${i.name}), which only the cube's additional files provide; ` +
          'pass them as a tar.gz with --additional-files (the content of workspace/additional_files)',
        { file: manifestArg, ...(i.line ? { line: i.line } : {}) },
        2,
      );
    }
}

/** Refuse to submit an entity the registry's schema rejects (a bug or bad input), naming the field. */
export function checkSchema(kind: Kind, value: unknown): void {
  checkEntity(kind, value);
}
