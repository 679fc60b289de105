/**
 * MedPerf's container_config.yaml (cli/medperf/containers/ of github.com/mlcommons/medperf): parsing, the volume
 * plan and the exact command lines, pinned against what MedPerf's craft_docker_run_command /
 * craft_singularity_run_command build for the same config, plus gitperf's isolation. And the two MLCube
 * divergences fixed with it: singularity entrypoints, dry-run of missing input folders.
 */
import { cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildCommand,
  cubeFolderHashes,
  loadManifest,
  type Manifest,
  parseManifest,
  planMounts,
  planRun,
  sha256File,
} from '../../cli/src/cube/index.js';

let T: string;
beforeAll(async () => {
  T = await mkdtemp(path.join(os.tmpdir(), 'gitperf-cc-'));
});
afterAll(async () => {
  await rm(T, { recursive: true, force: true });
});

/** MedPerf's examples/chestxray_tutorial/metrics/container_config.yaml, verbatim. */
const CHESTXRAY_METRICS = `container_type: DockerImage
image: mlcommons/chestxray-tutorial-metrics:0.0.1
tasks:
  evaluate:
    input_volumes:
      predictions:
        mount_path: /mlcommons/volumes/predictions
        type: directory
      labels:
        mount_path: /mlcommons/volumes/labels
        type: directory
      parameters_file:
        mount_path: /mlcommons/volumes/parameters/parameters_file.yaml
        type: file
    output_volumes:
      output_path:
        mount_path: /mlcommons/volumes/results/results.yaml
        type: file
`;

/** MedPerf's examples/tests/prep-sep/container_config.yaml (prepare task), verbatim. */
const PREP_SEP = `container_type: DockerImage
image: hasan7/mock-prep-sep:0.0.1
tasks:
  prepare:
    run_args:
      command: /project/prepare_data.py
    input_volumes:
      data_path:
        mount_path: /medperf_raw_data
        type: directory
      labels_path:
        mount_path: /medperf_raw_labels
        type: directory
      parameters_file:
        mount_path: /medperf_parameters.yaml
        type: file
    output_volumes:
      output_path:
        mount_path: /medperf_data
        type: directory
      output_labels_path:
        mount_path: /medperf_labels
        type: directory
`;

async function cube(name: string, text: string, params?: string): Promise<Manifest> {
  const dir = path.join(T, name);
  await mkdir(path.join(dir, 'workspace'), { recursive: true });
  await writeFile(path.join(dir, 'container_config.yaml'), text);
  if (params !== undefined) await writeFile(path.join(dir, 'workspace', 'parameters.yaml'), params);
  const m = await loadManifest(dir);
  if (!m.ok) throw new Error(JSON.stringify(m.diagnostics));
  return m.value;
}

function parse(text: string) {
  return parseManifest(text, path.join(T, 'parse', 'container_config.yaml'));
}

describe('container_config.yaml', () => {
  it('is told from mlcube.yaml by content and read into the same task model', async () => {
    const m = await cube('metrics', CHESTXRAY_METRICS, 'threshold: 0.5\n');
    expect(m.format).toBe('container_config');
    expect(m.containerType).toBe('DockerImage');
    expect(m.image).toBe('mlcommons/chestxray-tutorial-metrics:0.0.1');
    const t = m.tasks[0];
    expect(t.name).toBe('evaluate');
    expect(t.inputs.map((p) => [p.name, p.type, p.mountPath, p.default])).toEqual([
      ['predictions', 'directory', '/mlcommons/volumes/predictions', 'predictions'],
      ['labels', 'directory', '/mlcommons/volumes/labels', 'labels'],
      // MedPerf binds the cube's own parameters file to parameters_file.
      ['parameters_file', 'file', '/mlcommons/volumes/parameters/parameters_file.yaml', 'parameters.yaml'],
    ]);
    expect(t.outputs.map((p) => [p.name, p.type, p.mountPath])).toEqual([
      ['output_path', 'file', '/mlcommons/volumes/results/results.yaml'],
    ]);
    // Hashed like a manifest: the sha256 of the config file.
    expect((await cubeFolderHashes(path.join(T, 'metrics'))).manifest).toBe(
      await sha256File(path.join(T, 'metrics', 'container_config.yaml')),
    );
  });

  it('podman: the argv MedPerf builds, each volume at its mount_path, plus the isolation', async () => {
    const m = await cube('metrics2', CHESTXRAY_METRICS, 'threshold: 0.5\n');
    const preds = path.join(T, 'preds');
    const labels = path.join(T, 'labels');
    await mkdir(preds, { recursive: true });
    await mkdir(labels, { recursive: true });
    const results = path.join(T, 'results', 'results.yaml');
    const plan = await planMounts(m, 'evaluate', {
      params: { predictions: preds, labels, output_path: results },
    });
    if (!plan.ok) throw new Error(JSON.stringify(plan.diagnostics));
    // Outputs exist before the run (MedPerf creates a missing output file empty so it can be bound).
    expect((await stat(results)).isFile()).toBe(true);
    const cmd = buildCommand(m, plan.value, {
      runner: 'podman',
      containerName: 'gitperf-evaluate-0123456789abcdef',
      user: '1000:1000',
      tmpDir: '/home/u/.gitperf/tmp/x',
    });
    if (!cmd.ok) throw new Error(JSON.stringify(cmd.diagnostics));
    const params = path.join(T, 'metrics2', 'workspace', 'parameters.yaml');
    // MedPerf: docker run --name medperf-evaluate-<hex> --rm -u U:G --volume ...:ro ... :rw --volume TMP:/tmp:rw
    // --network none IMAGE -- no task name, no arguments, no MEDPERF_LOGLEVEL unless asked.
    expect(cmd.value.argv).toEqual([
      'podman',
      'run',
      '--name',
      'gitperf-evaluate-0123456789abcdef',
      '--rm',
      '-u',
      '1000:1000',
      '--volume',
      `${preds}:/mlcommons/volumes/predictions:ro`,
      '--volume',
      `${labels}:/mlcommons/volumes/labels:ro`,
      '--volume',
      `${params}:/mlcommons/volumes/parameters/parameters_file.yaml:ro`,
      '--volume',
      `${results}:/mlcommons/volumes/results/results.yaml:rw`,
      '--volume',
      '/home/u/.gitperf/tmp/x:/tmp:rw',
      '--network',
      'none',
      '--cap-drop=ALL',
      '--security-opt=no-new-privileges',
      'mlcommons/chestxray-tutorial-metrics:0.0.1',
    ]);
  });

  it('run_args: command after the image, entrypoint, environment, shm_size and gpus; loglevel upper-cased', async () => {
    const m = await cube(
      'prep-sep',
      PREP_SEP.replace(
        '      command: /project/prepare_data.py',
        `      command: /project/prepare_data.py --fast
      entrypoint: python3
      environment: {MODE: test}
      shm_size: 2gb
      gpus: all`,
      ),
      'x: 1\n',
    );
    const raw = path.join(T, 'raw');
    await mkdir(path.join(raw, 'data'), { recursive: true });
    await mkdir(path.join(raw, 'labels'), { recursive: true });
    const plan = await planMounts(m, 'prepare', {
      params: {
        data_path: path.join(raw, 'data'),
        labels_path: path.join(raw, 'labels'),
        output_path: path.join(T, 'ds', 'data'),
        output_labels_path: path.join(T, 'ds', 'labels'),
      },
    });
    if (!plan.ok) throw new Error(JSON.stringify(plan.diagnostics));
    const cmd = buildCommand(m, plan.value, {
      runner: 'docker',
      containerName: 'n',
      user: '1:1',
      loglevel: 'debug',
    });
    if (!cmd.ok) throw new Error(JSON.stringify(cmd.diagnostics));
    const argv = cmd.value.argv;
    expect(argv.slice(argv.indexOf('--network'))).toEqual([
      '--network',
      'none',
      '--cap-drop=ALL',
      '--security-opt=no-new-privileges',
      '--env',
      'MEDPERF_LOGLEVEL=DEBUG',
      '--env',
      'MODE=test',
      '--shm-size=2gb',
      '--gpus=all',
      '--entrypoint=python3',
      'hasan7/mock-prep-sep:0.0.1',
      '/project/prepare_data.py',
      '--fast',
    ]);
    // The caller's --gpus wins over the cube's (MedPerf's add_user_defined_run_args).
    const mine = buildCommand(m, plan.value, {
      runner: 'docker',
      containerName: 'n',
      user: '1:1',
      gpus: '1',
    });
    expect(mine.ok && mine.value.argv).toContain('--gpus=1');

    // singularity: MedPerf execs the entrypoint followed by the command; volumes as --bind.
    const sing = buildCommand(m, plan.value, { runner: 'apptainer', containerName: 'n', user: '1:1' });
    if (!sing.ok) throw new Error(JSON.stringify(sing.diagnostics));
    const sif = path.join(T, 'prep-sep', 'workspace', '.image', 'hasan7mockprepsep001.sif');
    expect(sing.value.argv.slice(0, 8)).toEqual([
      'apptainer',
      'exec',
      '--cleanenv',
      '--containall',
      '--net',
      '--network',
      'none',
      '--nv',
    ]);
    expect(sing.value.argv.slice(-4)).toEqual([sif, 'python3', '/project/prepare_data.py', '--fast']);
    expect(sing.value.argv).toContain(`${path.join(raw, 'data')}:/medperf_raw_data:ro`);
    expect(sing.value.prepare?.[0].argv).toEqual([
      'apptainer',
      'build',
      sif,
      'docker://hasan7/mock-prep-sep:0.0.1',
    ]);
  });

  it('refuses what MedPerf refuses, encrypted containers, and engine options beyond the allowlist', () => {
    const enc = parse(CHESTXRAY_METRICS.replace('DockerImage', 'EncryptedDockerArchive'));
    expect(enc.ok).toBe(false);
    expect(enc.diagnostics[0].code).toBe('manifest.encrypted-container');
    expect(enc.diagnostics[0].message).toContain(
      'encrypted containers need key exchange, which gitperf does not support yet',
    );
    expect(enc.diagnostics[0].line).toBe(1);
    const bogus = parse(CHESTXRAY_METRICS.replace('DockerImage', 'Podman'));
    expect(bogus.ok || bogus.diagnostics[0].code).toBe('manifest.container-type');
    const privileged = parse(
      PREP_SEP.replace('      command: /project/prepare_data.py', '      privileged: true'),
    );
    expect(privileged.ok || privileged.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ['cube.unsafe-run-args', 6],
    ]);
    const noType = parse(CHESTXRAY_METRICS.replace('        type: file\n    output', '    output'));
    expect(noType.ok || noType.diagnostics[0].code).toBe('manifest.value');
    const relative = parse(CHESTXRAY_METRICS.replace('/mlcommons/volumes/labels', 'labels'));
    expect(relative.ok || relative.diagnostics[0].code).toBe('manifest.mount-path');
    const twice = parse(
      CHESTXRAY_METRICS.replace('/mlcommons/volumes/labels', '/mlcommons/volumes/predictions'),
    );
    expect(twice.ok || twice.diagnostics[0].code).toBe('manifest.duplicate-mount');
  });

  it('a SingularityFile container runs only with singularity/apptainer, from its verified image file', async () => {
    const m = await cube(
      'sif',
      CHESTXRAY_METRICS.replace('DockerImage', 'SingularityFile').replace(
        'mlcommons/chestxray-tutorial-metrics:0.0.1',
        'https://example.org/metrics.sif',
      ),
      'threshold: 0.5\n',
    );
    const plan = await planMounts(m, 'evaluate', {
      params: {
        predictions: path.join(T, 'preds'),
        labels: path.join(T, 'labels'),
        output_path: path.join(T, 'r2.yaml'),
      },
    });
    if (!plan.ok) throw new Error(JSON.stringify(plan.diagnostics));
    const podman = buildCommand(m, plan.value, { runner: 'podman', containerName: 'n', user: '1:1' });
    expect(podman.ok || podman.diagnostics[0].code).toBe('cube.runner-unsupported');
    const s = buildCommand(m, plan.value, {
      runner: 'singularity',
      containerName: 'n',
      user: '1:1',
      imageArchive: '/cache/sha256/abc',
    });
    if (!s.ok) throw new Error(JSON.stringify(s.diagnostics));
    expect(s.value.argv.at(-1)).toBe('/cache/sha256/abc');
    expect(s.value.prepare).toEqual([]);
  });

  it('a folder with both manifests is refused; the local runner passes host paths as for mlcube.yaml', async () => {
    const dir = path.join(T, 'both');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'container_config.yaml'), CHESTXRAY_METRICS);
    await writeFile(path.join(dir, 'mlcube.yaml'), 'docker: {image: a/b:1}\ntasks: {evaluate: {}}\n');
    const both = await loadManifest(dir);
    expect(both.ok || both.diagnostics[0].code).toBe('manifest.ambiguous');

    const m = await cube(
      'local',
      `${CHESTXRAY_METRICS}local:\n  command: python3 run.py\n`,
      'threshold: 1\n',
    );
    const out = path.join(T, 'local-out', 'results.yaml');
    const plan = await planMounts(m, 'evaluate', {
      params: { predictions: path.join(T, 'preds'), labels: path.join(T, 'labels'), output_path: out },
    });
    if (!plan.ok) throw new Error(JSON.stringify(plan.diagnostics));
    const cmd = buildCommand(m, plan.value, {
      runner: 'local',
      containerName: 'n',
      user: '1:1',
      bwrap: null,
    });
    if (!cmd.ok) throw new Error(JSON.stringify(cmd.diagnostics));
    expect(cmd.value.argv).toEqual([
      'python3',
      'run.py',
      'evaluate',
      `--predictions=${path.join(T, 'preds')}`,
      `--labels=${path.join(T, 'labels')}`,
      `--parameters_file=${path.join(T, 'local', 'workspace', 'parameters.yaml')}`,
      `--output_path=${out}`,
    ]);
    expect(cmd.value.env).not.toHaveProperty('MEDPERF_LOGLEVEL');
  });

  it('additional_files is created empty when the cube has none, as MedPerf does', async () => {
    const m = await cube(
      'weights',
      `container_type: DockerImage
image: a/model:1
tasks:
  infer:
    input_volumes:
      data_path: {mount_path: /medperf_data, type: directory}
      additional_files: {mount_path: /medperf_additional_files, type: directory}
    output_volumes:
      output_path: {mount_path: /medperf_predictions, type: directory}
`,
    );
    const plan = await planMounts(m, 'infer', {
      params: { data_path: path.join(T, 'preds'), output_path: path.join(T, 'weights-out') },
    });
    if (!plan.ok) throw new Error(JSON.stringify(plan.diagnostics));
    expect((await stat(path.join(T, 'weights', 'workspace', 'additional_files'))).isDirectory()).toBe(true);
  });
});

describe('MLCube divergences', () => {
  it("singularity: a one-word entrypoint keeps the parameters (MLCube's singularity runner)", () => {
    const m = parseManifest(
      `docker: {image: x/y:1}
tasks:
  one: {entrypoint: /bin/run.sh, parameters: {inputs: {d: data/}}}
  multi: {entrypoint: "python /x.py", parameters: {inputs: {d: data/}}}
`,
      path.join(T, 'ep', 'mlcube.yaml'),
    );
    if (!m.ok) throw new Error(JSON.stringify(m.diagnostics));
    const sif = path.join(T, 'ep', 'workspace', '.image', 'xy1.sif');
    for (const [task, ep] of [
      ['one', ['/bin/run.sh']],
      ['multi', ['python', '/x.py']],
    ] as const) {
      const plan = {
        task,
        params: [],
        mounts: [{ hostDir: '/h/data', containerDir: '/mlcube_io0', mode: 'ro' as const }],
        containerArgs: ['--d=/mlcube_io0'],
        hostArgs: [],
      };
      const cmd = buildCommand(m.value, plan, { runner: 'singularity', containerName: 'n', user: '1:1' });
      if (!cmd.ok) throw new Error(JSON.stringify(cmd.diagnostics));
      // mlcube_singularity: `singularity exec <run_args> <volumes> <image> <entrypoint> <args without the task>`.
      expect(cmd.value.argv).toEqual([
        'singularity',
        'exec',
        '--cleanenv',
        '--containall',
        '--net',
        '--network',
        'none',
        '--bind',
        '/h/data:/mlcube_io0:ro',
        sif,
        ...ep,
        '--d=/mlcube_io0',
      ]);
    }
  });

  it('--dry-run plans a missing input folder (MLCube creates it) and a run still refuses it', async () => {
    const dir = path.join(T, 'dry');
    await cp(path.resolve(import.meta.dirname, '../fixtures/cubes/example-prep'), dir, { recursive: true });
    const opts = {
      cubeDir: dir,
      task: 'prepare',
      runner: 'podman' as const,
      params: {
        data_path: path.join(T, 'missing-raw', 'images/'),
        labels_path: path.join(T, 'missing-raw', 'labels/'),
        output_path: path.join(T, 'dry-ds', 'data/'),
        output_labels_path: path.join(T, 'dry-ds', 'labels/'),
      },
      home: path.join(T, 'home'),
    };
    const dry = await planRun(opts, { createOutputs: false, dryRun: true });
    if (!dry.ok) throw new Error(JSON.stringify(dry.diagnostics));
    expect(dry.value.warnings.filter((w) => w.code === 'cube.input-missing')).toHaveLength(2);
    expect(dry.value.command.argv).toContain(`${path.join(T, 'missing-raw', 'images')}:/mlcube_io0:ro`);
    // Nothing was created by the dry run.
    await expect(stat(path.join(T, 'missing-raw'))).rejects.toThrow();
    const real = await planRun(opts, { createOutputs: false });
    expect(real.ok || real.diagnostics.map((d) => d.code)).toContain('cube.input-missing');
    expect(await readFile(path.join(dir, 'mlcube.yaml'), 'utf8')).toContain('prepare');
  });
});
