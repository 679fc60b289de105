/**
 * Turns a registered MLCube (its spec: manifest, parameters, additional files, image or image tarball) into a
 * cube folder MLCube would recognise, every resource verified on the way:
 *   <dest>/mlcube.yaml (or container_config.yaml), <dest>/workspace/parameters.yaml, <dest>/workspace/additional_files/...,
 *   <dest>/.code/ (the registered code, for the local runner only),
 *   <dest>/.gitperf-cube.json (the registered hashes and the image to run; checked again before each run).
 * The folder is built next to `dest` and renamed into place, so a failure never leaves a half-built cube.
 */
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Diagnostic, error, warning } from '../diagnostics/diagnostic.js';
import { replaceDir, stagingDir } from '../infra/atomic-write.js';
import { sha256File } from '../infra/sha256.js';
import { excludedFromCode, fetchCode } from './code-archive.js';
import { localCodeFolder } from './code-folder.js';
import { treeDigest } from './hash.js';
import { type Engine, loadImageTarball, pinnedImage } from './images.js';
import { findManifestFile, loadManifest, type Manifest, manifestFileName } from './manifest.js';
import { copyVerified, type FetchOptions, fetchResource, verifyFile } from './resources.js';
import { extractTarball } from './tarball.js';
import { type CubeHashes, failed, type MlcubeSpec, type Outcome, ok, type RunnerKind } from './types.js';

export const CUBE_RECORD = '.gitperf-cube.json';

/** What materialise leaves in the cube folder for later runs. */
export interface CubeRecord {
  ref?: string;
  hashes: CubeHashes;
  /** Image to run with docker/podman (`ref@digest` or a loaded image id). */
  image?: string;
  /** Verified image tarball, for singularity/apptainer builds (`docker-archive://`). */
  imageArchive?: string;
  /** treeDigest of workspace/additional_files right after extraction. */
  additionalFilesTree?: string;
  /** treeDigest of `.code/` (the registered code, extracted for the local runner) right after extraction. */
  codeTree?: string;
}

/** Where materialise extracts a registered cube's code (`spec.code`) for the local runner. */
export const CODE_FOLDER = '.code';

export interface MaterialiseOptions extends FetchOptions {
  /** The cube folder to (re)build. It is replaced. */
  dest: string;
  /**
   * What the registry records of this cube (registry/registered-hashes.ts, from the caller): what the
   * folder is verified against and what its runs record.
   */
  hashes: CubeHashes;
  /** `owner/name`, for messages and the record. */
  ref?: string;
  /** The runner the cube will run with: docker/podman load an image tarball; others do not need it. */
  runner?: RunnerKind;
  /** Environment for `docker load` / `podman load` (e.g. DOCKER_HOST). */
  engineEnv?: NodeJS.ProcessEnv;
  /** Cap on the extracted additional files (default 8 GiB). */
  maxExtractBytes?: number;
}

export interface MaterialisedCube {
  dir: string;
  manifest: Manifest;
  hashes: CubeHashes;
  image?: string;
  imageArchive?: string;
}

export async function materialiseCube(
  spec: MlcubeSpec,
  opts: MaterialiseOptions,
): Promise<Outcome<MaterialisedCube>> {
  const who = opts.ref ?? 'the MLCube';
  const diags: Diagnostic[] = [];
  if (spec.image && spec.imageTarball) {
    return failed([
      error('cube.image-ambiguous', `${who} gives both image and imageTarball; exactly one is allowed`),
    ]);
  }
  const fetchOpts = (label: string): FetchOptions => ({ ...opts, label: `${label} of ${who}` });

  const reused = await reuseIntactCube(spec, opts);
  if (reused) return ok(reused);

  const manifest = await fetchResource(spec.manifest, fetchOpts('manifest'));
  if (!manifest.ok) return manifest;
  const params = spec.parameters
    ? await fetchResource(spec.parameters, fetchOpts('parameters file'))
    : undefined;
  if (params && !params.ok) return failed(params.diagnostics);
  const extra = spec.additionalFiles
    ? await fetchResource(spec.additionalFiles, fetchOpts('additional files'))
    : undefined;
  if (extra && !extra.ok) return failed(extra.diagnostics);
  const engine: Engine | undefined =
    opts.runner === 'docker' || opts.runner === 'podman' ? opts.runner : undefined;
  const wantsTarball =
    spec.imageTarball && (engine || opts.runner === 'singularity' || opts.runner === 'apptainer');
  const tarball =
    wantsTarball && spec.imageTarball
      ? await fetchResource(spec.imageTarball, fetchOpts('image tarball'))
      : undefined;
  if (tarball && !tarball.ok) return failed(tarball.diagnostics);
  // Only the local runner runs the registered code; container runners run the image.
  const code =
    spec.code && opts.runner === 'local' ? await fetchCode(spec.code, fetchOpts('code')) : undefined;
  if (code && !code.ok) return failed(code.diagnostics);
  for (const outcome of [manifest, params, extra, tarball, code])
    if (outcome) diags.push(...outcome.diagnostics);

  const dest = path.resolve(opts.dest);
  // Built beside `dest` (the same filesystem) and swapped in by renames: a failure never leaves a
  // half-built cube, and a reader never finds a half-deleted old one under its name.
  const tmp = await stagingDir(path.dirname(dest), `${path.basename(dest)}.tmp`);
  try {
    await mkdir(path.join(tmp, 'workspace'), { recursive: true });
    // mlcube.yaml or container_config.yaml, by content: the folder then reads like the cube's own.
    const manifestName = manifestFileName(await readFile(manifest.value.path, 'utf8'));
    await copyFile(manifest.value.path, path.join(tmp, manifestName));
    if (params?.ok) await copyFile(params.value.path, path.join(tmp, 'workspace', 'parameters.yaml'));
    if (extra?.ok && spec.additionalFiles) {
      // Extract a private copy hashed as it was made, not the cache entry (which could be replaced meanwhile).
      const copy = path.join(tmp, '.additional-files.tar');
      const bad = await copyVerified(
        extra.value.path,
        spec.additionalFiles.sha256,
        copy,
        `additional files of ${who}`,
      );
      if (bad) return failed([...diags, bad]);
      const extracted = await extractTarball(copy, path.join(tmp, 'workspace', 'additional_files'), {
        label: `additional files of ${who}`,
        maxBytes: opts.maxExtractBytes,
      });
      await rm(copy, { force: true });
      if (!extracted.ok) return failed([...diags, ...extracted.diagnostics]);
    }
    if (code?.ok && spec.code) {
      const copy = path.join(tmp, '.code.tar');
      const bad = await copyVerified(code.value.path, spec.code.sha256, copy, `code of ${who}`);
      if (bad) return failed([...diags, bad]);
      const extracted = await extractTarball(copy, path.join(tmp, CODE_FOLDER), {
        label: `code of ${who}`,
        maxBytes: opts.maxExtractBytes,
      });
      await rm(copy, { force: true });
      if (!extracted.ok) return failed([...diags, ...extracted.diagnostics]);
      const clash = (await readdir(path.join(tmp, CODE_FOLDER))).filter(excludedFromCode);
      if (clash.length > 0) {
        return failed([
          ...diags,
          error(
            'cube.code-clash',
            `the code of ${who} (${spec.code.url}) holds ${clash.join(', ')} at its top level: the manifest and workspace/ come from their own registered resources, and dot-entries are not code; register an archive without them`,
          ),
        ]);
      }
    }
    // The copies must still be what was verified (the cache could change between hash and copy).
    for (const [file, reference, label] of [
      [path.join(tmp, manifestName), spec.manifest, 'manifest'],
      ...(spec.parameters
        ? [[path.join(tmp, 'workspace', 'parameters.yaml'), spec.parameters, 'parameters file']]
        : []),
    ] as [string, { sha256: string }, string][]) {
      const bad = await verifyFile(file, reference.sha256, `${label} of ${who}`);
      if (bad) return failed([...diags, bad]);
    }
    const loaded = await loadManifest(tmp);
    if (!loaded.ok) {
      return failed([
        ...diags,
        error(
          'cube.bad-manifest',
          `the registered manifest of ${who} (${spec.manifest.url}) is not a valid mlcube.yaml:`,
        ),
        ...loaded.diagnostics.map((d) => ({ ...d, file: spec.manifest.url })),
      ]);
    }

    if (loaded.value.containerType === 'SingularityFile' && engine) {
      return failed([
        ...diags,
        error(
          'cube.runner-unsupported',
          `${who} is a SingularityFile container, which runs only with singularity or apptainer (as in MedPerf)`,
        ),
      ]);
    }
    const hashes = opts.hashes;

    let image: string | undefined;
    let imageArchive: string | undefined;
    if (spec.image) image = pinnedImage(spec.image);
    else if (tarball?.ok) {
      if (engine && spec.imageTarball) {
        const copy = path.join(tmp, '.image.tar');
        const bad = await copyVerified(
          tarball.value.path,
          spec.imageTarball.sha256,
          copy,
          `image tarball of ${who}`,
        );
        if (bad) return failed([...diags, bad]);
        const loadedImage = await loadImageTarball(engine, copy, opts.engineEnv ?? process.env);
        await rm(copy, { force: true });
        if (!loadedImage.ok) return failed([...diags, ...loadedImage.diagnostics]);
        image = loadedImage.value.id;
      } else imageArchive = tarball.value.path;
    } else if (!spec.image && !spec.imageTarball) {
      diags.push(warning('cube.no-image', `${who} registers no image; only the local runner can run it`));
    }
    if (spec.image && !spec.image.digest) {
      diags.push(
        warning(
          'cube.image-unpinned',
          `${who} gives the image ${spec.image.reference} without a digest; the tag may move`,
        ),
      );
    }

    const extracted = path.join(tmp, 'workspace', 'additional_files');
    const additionalFilesTree = extra?.ok ? await treeDigest(extracted) : undefined;
    const codeTree = code?.ok ? await treeDigest(path.join(tmp, CODE_FOLDER)) : undefined;
    const record: CubeRecord = {
      ...(opts.ref ? { ref: opts.ref } : {}),
      hashes,
      image,
      imageArchive,
      additionalFilesTree,
      codeTree,
    };
    await writeFile(path.join(tmp, CUBE_RECORD), `${JSON.stringify(record, null, 2)}\n`);
    await replaceDir(tmp, dest);
    const final = await loadManifest(dest);
    if (!final.ok) return failed([...diags, ...final.diagnostics]);
    return ok({ dir: dest, manifest: final.value, hashes, image, imageArchive }, diags);
  } catch (e) {
    return failed([
      ...diags,
      error(
        'cube.materialise-failed',
        `cannot build the cube folder ${dest} for ${who}: ${(e as Error).message}`,
      ),
    ]);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * A folder materialised earlier for the same registered hashes is used again when it still verifies (the same
 * check every run makes), so each process does not copy and extract every cube anew. Image tarballs loaded into
 * an engine are always loaded again: the engine may have dropped the image since.
 */
async function reuseIntactCube(
  spec: MlcubeSpec,
  opts: MaterialiseOptions,
): Promise<MaterialisedCube | undefined> {
  if (spec.imageTarball) return undefined;
  const dest = path.resolve(opts.dest);
  const rec = await readCubeRecord(dest);
  if (!rec || rec.ref !== opts.ref) return undefined;
  const want = opts.hashes;
  const keys = new Set([...Object.keys(want), ...Object.keys(rec.hashes)]) as Set<keyof CubeHashes>;
  for (const key of keys) if (want[key] !== rec.hashes[key]) return undefined;
  if (rec.image !== (spec.image ? pinnedImage(spec.image) : undefined)) return undefined;
  // A folder a container runner materialised holds no code: the local runner needs it extracted.
  if (spec.code && opts.runner === 'local' && !rec.codeTree) return undefined;
  if ((await verifyCubeFolder(dest)).length > 0) return undefined;
  const manifest = await loadManifest(dest);
  if (!manifest.ok) return undefined;
  return {
    dir: dest,
    manifest: manifest.value,
    hashes: rec.hashes,
    image: rec.image,
    imageArchive: rec.imageArchive,
  };
}

/** The record materialise left in a cube folder, if any. */
export async function readCubeRecord(cubeDir: string): Promise<CubeRecord | undefined> {
  try {
    return JSON.parse(readFileSync(path.join(cubeDir, CUBE_RECORD), 'utf8')) as CubeRecord;
  } catch {
    return undefined;
  }
}

/**
 * Re-checks a materialised cube folder against its record (manifest, parameters file, extracted additional
 * files) so a cube
 * edited after materialisation is refused before it runs. Folders without a record pass (development cubes).
 */
export async function verifyCubeFolder(cubeDir: string): Promise<Diagnostic[]> {
  const rec = await readCubeRecord(cubeDir);
  if (!rec) return [];
  const who = rec.ref ?? cubeDir;
  const out: Diagnostic[] = [];
  const file = await findManifestFile(cubeDir);
  if (!file.ok) return file.diagnostics;
  const manifestProblem = await verifyFile(
    file.value ?? path.join(cubeDir, 'mlcube.yaml'),
    rec.hashes.manifest,
    `manifest of ${who}`,
  );
  if (manifestProblem) out.push(manifestProblem);
  if (rec.hashes.parameters) {
    const parametersProblem = await verifyFile(
      path.join(cubeDir, 'workspace', 'parameters.yaml'),
      rec.hashes.parameters,
      `parameters file of ${who}`,
    );
    if (parametersProblem) out.push(parametersProblem);
  }
  if (rec.imageArchive && rec.hashes.imageTarball) {
    // singularity/apptainer build from the cached tarball at run time: it is checked like the other files.
    const imageProblem = await verifyFile(
      rec.imageArchive,
      rec.hashes.imageTarball,
      `image tarball of ${who}`,
    );
    if (imageProblem) out.push(imageProblem);
  }
  if (rec.codeTree) {
    const dir = path.join(cubeDir, CODE_FOLDER);
    const got = await treeDigest(dir).catch(() => 'missing');
    if (got !== rec.codeTree) {
      out.push(
        error(
          'resource.hash-mismatch',
          `code of ${who} in ${dir} changed after it was extracted from the verified code archive; materialise the cube again`,
        ),
      );
    }
  }
  if (rec.additionalFilesTree) {
    const dir = path.join(cubeDir, 'workspace', 'additional_files');
    const got = await treeDigest(dir).catch(() => 'missing');
    if (got !== rec.additionalFilesTree) {
      out.push(
        error(
          'resource.hash-mismatch',
          `additional files of ${who} in ${dir} changed after they were extracted from the verified tarball; materialise the cube again`,
        ),
      );
    }
  }
  return out;
}

/**
 * Hashes of a cube folder as it is on disk (for a development cube given as DIR): the manifest, the
 * parameters file and the code folder (docker.build_context or ../project) the local runner binds; the record's
 * registered hashes when the folder was materialised.
 */
export async function cubeFolderHashes(cubeDir: string): Promise<CubeHashes> {
  const rec = await readCubeRecord(cubeDir);
  if (rec) return rec.hashes;
  const file = await findManifestFile(cubeDir);
  const hashes: CubeHashes = {
    manifest: await sha256File((file.ok && file.value) || path.join(cubeDir, 'mlcube.yaml')),
  };
  try {
    hashes.parameters = await sha256File(path.join(cubeDir, 'workspace', 'parameters.yaml'));
  } catch {
    // no parameters file
  }
  const manifest = await loadManifest(cubeDir);
  const code = manifest.ok ? await localCodeFolder(manifest.value) : undefined;
  if (code) hashes.code = await treeDigest(code.real);
  return hashes;
}
