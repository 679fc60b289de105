/**
 * Golden tests: the command lines for mlcube.md's worked example (example-prep, example-model, example-metrics)
 * must reproduce MLCube's mount numbering and arguments exactly, and MedPerf era B's docker argv for infer.
 */
import { cp, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCommand, loadManifest, type Manifest, planMounts } from '../../cli/src/cube/index.js';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/cubes');
let T: string;
const v: Record<string, string> = {};

/** The doc's lines, verbatim (era A, `docker run` built by mlcube; one logical line each). */
const DOC = {
  prepare: `docker run -u $(id -u):$(id -g) --network=none --volume /data/raw/images:/mlcube_io0:ro
  --volume /data/raw/labels:/mlcube_io1:ro --volume $P/workspace:/mlcube_io2:ro --volume $DS/data:/mlcube_io3
  --volume $DS/labels:/mlcube_io4 example/prep:1.0 prepare --data_path=/mlcube_io0 --labels_path=/mlcube_io1
  --parameters_file=/mlcube_io2/parameters.yaml --output_path=/mlcube_io3 --output_labels_path=/mlcube_io4`,
  sanity_check: `docker run -u $(id -u):$(id -g) --network=none --volume $DS/data:/mlcube_io0:ro --volume $DS/labels:/mlcube_io1:ro
  --volume $P/workspace:/mlcube_io2:ro example/prep:1.0 sanity_check --data_path=/mlcube_io0
  --labels_path=/mlcube_io1 --parameters_file=/mlcube_io2/parameters.yaml`,
  statistics: `docker run -u $(id -u):$(id -g) --network=none --volume $DS/data:/mlcube_io0:ro --volume $DS/labels:/mlcube_io1:ro
  --volume $P/workspace:/mlcube_io2:ro --volume $DS:/mlcube_io3 example/prep:1.0 statistics --data_path=/mlcube_io0
  --labels_path=/mlcube_io1 --parameters_file=/mlcube_io2/parameters.yaml --output_path=/mlcube_io3/statistics.yaml`,
  infer: `docker run -u $(id -u):$(id -g) --network=none --volume $DS/data:/mlcube_io0:ro --volume $M/workspace:/mlcube_io1:ro
  --volume $M/workspace/additional_files:/mlcube_io2:ro --volume $PRED:/mlcube_io3 example/model:1.0 infer
  --data_path=/mlcube_io0 --parameters_file=/mlcube_io1/parameters.yaml --weights=/mlcube_io2/weights.bin
  --output_path=/mlcube_io3`,
  evaluate: `docker run -u $(id -u):$(id -g) --network=none --volume $PRED:/mlcube_io0:ro --volume $DS/labels:/mlcube_io1:ro
  --volume $E/workspace:/mlcube_io2:ro --volume $SCRATCH:/mlcube_io3 example/metrics:1.0 evaluate
  --predictions=/mlcube_io0 --labels=/mlcube_io1 --parameters_file=/mlcube_io2/parameters.yaml
  --output_path=/mlcube_io3/results.yaml`,
};

/** Era B, MedPerf's argv for infer (no shell), plus gitperf's hardening: no capabilities, no privilege gain. */
const ERA_B_INFER = `docker run --name medperf-infer-<16 hex> --rm -u 1000:1000 --volume $DS/data:/mlcube_io0:ro
  --volume $M/workspace:/mlcube_io1:ro --volume $M/workspace/additional_files:/mlcube_io2:ro
  --volume $PRED:/mlcube_io3:rw --volume <medperf temp dir>:/tmp:rw --network none
  --cap-drop=ALL --security-opt=no-new-privileges --env MEDPERF_LOGLEVEL=DEBUG
  example/model:1.0 infer --data_path=/mlcube_io0 --parameters_file=/mlcube_io1/parameters.yaml
  --weights=/mlcube_io2/weights.bin --output_path=/mlcube_io3`;

function subst(s: string): string {
  return s
    .replace(/\/data\/raw\//g, `${v.RAW}/`)
    .replace(/\$(SCRATCH|PRED|DS|P|M|E)\b/g, (_m, k: string) => v[k]);
}

function words(s: string): string[] {
  return subst(s).split(/\s+/).filter(Boolean);
}

/** Volumes (host, container, mode) and the part after the image, from a doc line. */
function parseDoc(line: string, image: string) {
  const w = words(line);
  const volumes: [string, string, string][] = [];
  for (let i = 0; i < w.length; i++) {
    if (w[i] === '--volume') {
      const [h, c, mode] = w[i + 1].split(':');
      // Era A leaves outputs without a suffix (Docker's default rw); MedPerf era B and gitperf write :rw.
      volumes.push([h, c, mode ?? 'rw']);
    }
  }
  return { volumes, after: w.slice(w.indexOf(image) + 1) };
}

function parseArgv(argv: string[], image: string) {
  const volumes: [string, string, string][] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--volume' && !argv[i + 1].endsWith(':/tmp:rw')) {
      volumes.push(argv[i + 1].split(':') as [string, string, string]);
    }
  }
  return { volumes, after: argv.slice(argv.indexOf(image) + 1) };
}

async function manifest(dir: string): Promise<Manifest> {
  const m = await loadManifest(dir);
  if (!m.ok) throw new Error(JSON.stringify(m.diagnostics));
  return m.value;
}

const TASK_PARAMS = (): Record<string, [string, Record<string, string>]> => ({
  prepare: [
    v.P,
    {
      data_path: `${v.RAW}/images`,
      labels_path: `${v.RAW}/labels`,
      output_path: `${v.DS}/data`,
      output_labels_path: `${v.DS}/labels`,
    },
  ],
  sanity_check: [v.P, { data_path: `${v.DS}/data`, labels_path: `${v.DS}/labels` }],
  statistics: [
    v.P,
    { data_path: `${v.DS}/data`, labels_path: `${v.DS}/labels`, output_path: `${v.DS}/statistics.yaml` },
  ],
  infer: [v.M, { data_path: `${v.DS}/data`, output_path: v.PRED }],
  evaluate: [
    v.E,
    { predictions: v.PRED, labels: `${v.DS}/labels`, output_path: `${v.SCRATCH}/results.yaml` },
  ],
});

beforeAll(async () => {
  T = await mkdtemp(path.join(os.tmpdir(), 'gitperf-golden-'));
  v.P = path.join(T, 'example-prep');
  v.M = path.join(T, 'example-model');
  v.E = path.join(T, 'example-metrics');
  v.RAW = path.join(T, 'data', 'raw');
  v.DS = path.join(T, 'ds');
  v.PRED = path.join(T, 'predictions', 'example-model', 'ds');
  v.SCRATCH = path.join(T, 'scratch');
  for (const c of ['example-prep', 'example-model', 'example-metrics'])
    await cp(path.join(fixtures, c), path.join(T, c), { recursive: true });
  await mkdir(path.join(v.RAW, 'images'), { recursive: true });
  await mkdir(path.join(v.RAW, 'labels'), { recursive: true });
});
afterAll(async () => {
  await rm(T, { recursive: true, force: true });
});

describe('worked example (mlcube.md §6)', () => {
  // Tasks run in MedPerf's order, so prepare's outputs exist for sanity_check, infer's for evaluate.
  for (const task of ['prepare', 'sanity_check', 'statistics', 'infer', 'evaluate'] as const) {
    it(`${task}: same mounts, numbering and arguments as mlcube`, async () => {
      const [dir, params] = TASK_PARAMS()[task];
      const m = await manifest(dir);
      const plan = await planMounts(m, task, { params });
      expect(plan.ok, JSON.stringify(plan.diagnostics)).toBe(true);
      if (!plan.ok) return;
      const image = m.docker?.image as string;
      const cmd = buildCommand(m, plan.value, {
        runner: 'podman',
        containerName: 'c',
        user: '1000:1000',
        loglevel: 'DEBUG',
      });
      if (!cmd.ok) throw new Error(JSON.stringify(cmd.diagnostics));
      const want = parseDoc(DOC[task], image);
      const got = parseArgv(cmd.value.argv, image);
      expect(got.volumes).toEqual(want.volumes);
      expect(got.after).toEqual(want.after);
    });
  }

  it('infer: the exact MedPerf era B argv (docker, no shell)', async () => {
    const m = await manifest(v.M);
    const plan = await planMounts(m, 'infer', { params: { data_path: `${v.DS}/data`, output_path: v.PRED } });
    if (!plan.ok) throw new Error(JSON.stringify(plan.diagnostics));
    const tmp = path.join(T, 'tmpdir');
    const cmd = buildCommand(m, plan.value, {
      runner: 'podman',
      containerName: 'medperf-infer-0123456789abcdef',
      user: '1000:1000',
      loglevel: 'DEBUG',
      tmpDir: tmp,
    });
    if (!cmd.ok) throw new Error(JSON.stringify(cmd.diagnostics));
    const want = words(
      ERA_B_INFER.replace('<medperf temp dir>', tmp).replace('<16 hex>', '0123456789abcdef'),
    );
    expect(cmd.value.argv).toEqual(['podman', ...want.slice(1)]);
    // The docker CLI runner: identical except --rm (it removes the container itself afterwards).
    const d = buildCommand(m, plan.value, {
      runner: 'docker',
      containerName: 'medperf-infer-0123456789abcdef',
      user: '1000:1000',
      loglevel: 'DEBUG',
      tmpDir: tmp,
    });
    if (!d.ok) throw new Error('docker');
    expect(d.value.argv).toEqual(want.filter((w) => w !== '--rm'));
    expect(d.value.removeAfter).toBe(true);
    // Rootless podman keeps the caller's uid inside the container, so outputs stay owned by the caller.
    const rootless = buildCommand(m, plan.value, {
      runner: 'podman',
      containerName: 'n',
      user: '1000:1000',
      loglevel: 'DEBUG',
      rootless: true,
    });
    if (!rootless.ok) throw new Error('rootless');
    expect(rootless.value.argv.slice(0, 8)).toEqual([
      'podman',
      'run',
      '--name',
      'n',
      '--rm',
      '--userns=keep-id',
      '-u',
      '1000:1000',
    ]);
    expect(d.value.cleanup).toEqual([['docker', 'rm', '-f', 'medperf-infer-0123456789abcdef']]);
  });

  it('entrypoint, env_args and cpu_args follow MLCube / MedPerf era B', async () => {
    const { parseManifest } = await import('../../cli/src/cube/index.js');
    const text = `docker:
  image: x/y:1
  env_args: {A: "1"}
  cpu_args: "-u 0:0 --privileged --shm-size=2g"
tasks:
  multi: {entrypoint: "python /x.py", parameters: {inputs: {d: data/}}}
  one: {entrypoint: /bin/bash, parameters: {inputs: {d: data/}}}
`;
    const m = parseManifest(text, path.join(v.P, 'other.yaml'));
    if (!m.ok) throw new Error(JSON.stringify(m.diagnostics));
    await mkdir(path.join(v.P, 'workspace', 'data'), { recursive: true });
    const o = { runner: 'podman' as const, containerName: 'n', user: '1:1', loglevel: 'info' };
    const multi = await planMounts(m.value, 'multi');
    if (!multi.ok) throw new Error('multi');
    const a = buildCommand(m.value, multi.value, o);
    if (!a.ok) throw new Error('a');
    // Only --shm-size survives from cpu_args (never --privileged or another user); env_args become --env.
    expect(a.value.argv.slice(a.value.argv.indexOf('--network'))).toEqual([
      '--network',
      'none',
      '--cap-drop=ALL',
      '--security-opt=no-new-privileges',
      '--env',
      'MEDPERF_LOGLEVEL=INFO',
      '--env',
      'A=1',
      '--shm-size=2g',
      '--entrypoint=python',
      'x/y:1',
      '/x.py',
      '--d=/mlcube_io0',
    ]);
    expect(a.value.argv).not.toContain('--privileged');
    const one = await planMounts(m.value, 'one');
    if (!one.ok) throw new Error('one');
    const b = buildCommand(m.value, one.value, o);
    if (!b.ok) throw new Error('b');
    expect(b.value.argv.slice(-2)).toEqual(['--entrypoint=/bin/bash', 'x/y:1']);
  });

  it('reuse: one folder passed as data_path and labels_path gets one mount', async () => {
    const m = await manifest(v.P);
    const both = `${v.RAW}/images`;
    const plan = await planMounts(m, 'prepare', {
      params: {
        data_path: both,
        labels_path: both,
        output_path: `${v.DS}/data`,
        output_labels_path: `${v.DS}/labels`,
      },
    });
    if (!plan.ok) throw new Error(JSON.stringify(plan.diagnostics));
    expect(plan.value.containerArgs).toEqual([
      '--data_path=/mlcube_io0',
      '--labels_path=/mlcube_io0',
      '--parameters_file=/mlcube_io1/parameters.yaml',
      '--output_path=/mlcube_io2',
      '--output_labels_path=/mlcube_io3',
    ]);
    expect(plan.value.mounts.map((x) => [x.hostDir, x.containerDir, x.mode])).toEqual([
      [both, '/mlcube_io0', 'ro'],
      [path.join(v.P, 'workspace'), '/mlcube_io1', 'ro'],
      [`${v.DS}/data`, '/mlcube_io2', 'rw'],
      [`${v.DS}/labels`, '/mlcube_io3', 'rw'],
    ]);
  });

  it('singularity: --bind per mount, SIF derived from the docker image, task first', async () => {
    const m = await manifest(v.M);
    const plan = await planMounts(m, 'infer', { params: { data_path: `${v.DS}/data`, output_path: v.PRED } });
    if (!plan.ok) throw new Error(JSON.stringify(plan.diagnostics));
    const cmd = buildCommand(m, plan.value, {
      runner: 'singularity',
      containerName: 'x',
      user: '0:0',
      loglevel: 'DEBUG',
    });
    if (!cmd.ok) throw new Error(JSON.stringify(cmd.diagnostics));
    const sif = path.join(v.M, 'workspace', '.image', 'examplemodel10.sif');
    expect(cmd.value.argv).toEqual(
      words(`singularity run --cleanenv --containall --net --network none --env MEDPERF_LOGLEVEL=DEBUG
        --bind $DS/data:/mlcube_io0:ro --bind $M/workspace:/mlcube_io1:ro
        --bind $M/workspace/additional_files:/mlcube_io2:ro --bind $PRED:/mlcube_io3:rw
        ${sif} infer --data_path=/mlcube_io0 --parameters_file=/mlcube_io1/parameters.yaml
        --weights=/mlcube_io2/weights.bin --output_path=/mlcube_io3`),
    );
    expect(cmd.value.prepare).toEqual([
      {
        when: 'missing-file',
        path: sif,
        argv: ['singularity', 'build', '--fakeroot', sif, 'docker://example/model:1.0'],
      },
    ]);
    // apptainer with an image pinned by digest: the SIF is named by the digest (as MedPerf names converted images).
    const hex = 'a'.repeat(64);
    const pinned = buildCommand(m, plan.value, {
      runner: 'apptainer',
      containerName: 'x',
      user: '0:0',
      loglevel: 'info',
      image: `example/model:1.0@sha256:${hex}`,
      gpus: 'all',
    });
    if (!pinned.ok) throw new Error('apptainer');
    const psif = path.join(v.M, 'workspace', '.image', `${hex}.sif`);
    expect(pinned.value.argv.slice(0, 8)).toEqual([
      'apptainer',
      'run',
      '--cleanenv',
      '--containall',
      '--net',
      '--network',
      'none',
      '--nv',
    ]);
    expect(pinned.value.argv).toContain(psif);
    expect(pinned.value.prepare?.[0].argv).toEqual([
      'apptainer',
      'build',
      '--fakeroot',
      psif,
      `docker://example/model:1.0@sha256:${hex}`,
    ]);
  });

  it('local: the manifest command with host paths, inside bwrap with only outputs writable', async () => {
    const m = await manifest(v.M);
    m.local = { command: ['python3', 'mlcube.py'] };
    const plan = await planMounts(m, 'infer', { params: { data_path: `${v.DS}/data`, output_path: v.PRED } });
    if (!plan.ok) throw new Error(JSON.stringify(plan.diagnostics));
    const bare = buildCommand(m, plan.value, {
      runner: 'local',
      containerName: 'x',
      user: '0:0',
      loglevel: 'info',
      bwrap: null,
    });
    if (!bare.ok) throw new Error('local');
    const hostArgs = [
      'infer',
      `--data_path=${v.DS}/data`,
      `--parameters_file=${v.M}/workspace/parameters.yaml`,
      `--weights=${v.M}/workspace/additional_files/weights.bin`,
      `--output_path=${v.PRED}`,
    ];
    expect(bare.value.argv).toEqual(['python3', 'mlcube.py', ...hostArgs]);
    expect(bare.value.cwd).toBe(v.M);
    const boxed = buildCommand(m, plan.value, {
      runner: 'local',
      containerName: 'x',
      user: '0:0',
      loglevel: 'info',
      bwrap: '/usr/bin/bwrap',
      sandboxRuntime: [
        { kind: 'ro-bind', path: '/usr' },
        { kind: 'symlink', path: '/bin', target: 'usr/bin' },
        { kind: 'ro-bind', path: '/etc/ld.so.cache' },
      ],
    });
    if (!boxed.ok) throw new Error('bwrap');
    const a = boxed.value.argv;
    // An unprivileged user with no capabilities even when gitperf is root, an empty environment, and of the host
    // only its system runtime (no `/`): the cube's own folders follow.
    expect(a.slice(0, 27)).toEqual(
      words(
        `/usr/bin/bwrap --unshare-all --unshare-user --uid 65534 --gid 65534 --cap-drop ALL --die-with-parent --new-session --clearenv ` +
          `--ro-bind-try /usr /usr --symlink usr/bin /bin --ro-bind-try /etc/ld.so.cache /etc/ld.so.cache --dev /dev --proc /proc --tmpfs /tmp`,
      ),
    );
    expect(a.join(' ')).not.toContain('--ro-bind / /');
    const setenv = Object.fromEntries(
      a.flatMap((x, i) => (x === '--setenv' ? [[a[i + 1], a[i + 2]]] : [])) as [string, string][],
    );
    expect(setenv).toEqual({
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      HOME: '/tmp',
      LANG: 'C.UTF-8',
      MEDPERF_LOGLEVEL: 'INFO',
      PYTHONDONTWRITEBYTECODE: '1',
    });
    expect(a.slice(a.indexOf('--') + 1)).toEqual(['python3', 'mlcube.py', ...hostArgs]);
    // The only writable bind is the output folder; the cube folder and the inputs are bound read-only.
    const binds = a.flatMap((x, i) => (x === '--bind' ? [a[i + 1]] : []));
    expect(binds).toEqual([v.PRED]);
    const ro = a.flatMap((x, i) => (x === '--ro-bind' ? [a[i + 1]] : []));
    expect(new Set(ro)).toEqual(
      new Set([v.M, `${v.DS}/data`, `${v.M}/workspace`, `${v.M}/workspace/additional_files`]),
    );
    // Code linked into the cube folder from elsewhere (here under /tmp, which the sandbox replaces) is bound read-only.
    const src = path.join(T, 'code-src');
    await mkdir(src, { recursive: true });
    await symlink(src, path.join(v.M, 'project'));
    try {
      const linked = buildCommand(m, plan.value, {
        runner: 'local',
        containerName: 'x',
        user: '0:0',
        loglevel: 'info',
        bwrap: 'bwrap',
      });
      if (!linked.ok) throw new Error('linked');
      const la = linked.value.argv;
      expect(la.flatMap((x, i) => (x === '--ro-bind' && la[i + 1] === src ? [la[i + 2]] : []))).toEqual([
        src,
      ]);
      expect(la.flatMap((x, i) => (x === '--bind' ? [la[i + 1]] : []))).toEqual([v.PRED]);
    } finally {
      await rm(path.join(v.M, 'project'));
    }
  });
});
