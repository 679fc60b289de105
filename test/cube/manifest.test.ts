import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTask, parseManifest, planMounts, splitWords } from '../../cli/src/cube/index.js';

let T: string;
beforeAll(async () => {
  T = await mkdtemp(path.join(os.tmpdir(), 'gitperf-manifest-'));
});
afterAll(async () => {
  await rm(T, { recursive: true, force: true });
});

const file = () => path.join(T, 'cube', 'mlcube.yaml');
const parse = (text: string, env?: NodeJS.ProcessEnv) => parseManifest(text, file(), { env });

describe('parseManifest', () => {
  it('normalises parameter shortcuts exactly as MLCube', () => {
    const r = parse(`
name: m
docker:
  image: x/y:1
tasks:
  t:
    parameters:
      inputs:
        a: some/dir/
        b: some/file.txt
        c: {}
        d:
        e: {type: file, default: p.yaml, opts: ro}
        f: {default: data\\}
      outputs:
        o: {type: directory, default: out}
        q: out2/
`);
    expect(r.ok, JSON.stringify(r.diagnostics)).toBe(true);
    if (!r.ok) return;
    const t = findTask(r.value, 't');
    expect(t?.inputs.map((p) => [p.name, p.type, p.default, p.opts])).toEqual([
      ['a', 'directory', 'some/dir/', undefined],
      ['b', 'unknown', 'some/file.txt', undefined],
      ['c', 'unknown', 'c', undefined],
      ['d', 'unknown', 'd', undefined],
      ['e', 'file', 'p.yaml', 'ro'],
      ['f', 'directory', 'data\\', undefined],
    ]);
    expect(t?.outputs.map((p) => [p.name, p.type])).toEqual([
      ['o', 'directory'],
      ['q', 'directory'],
    ]);
    expect(r.value.workspace).toBe(path.join(T, 'cube', 'workspace'));
    // No singularity section: derived from docker, as MLCube does.
    expect(r.value.singularity).toMatchObject({
      image: 'xy1.sif',
      buildFile: 'docker://x/y:1',
      derived: true,
    });
  });

  // biome-ignore lint/suspicious/noTemplateCurlyInString: MLCube's ${...} references are literal text here
  it('resolves ${...} references: dotted paths, runtime.workspace, workspace, oc.env', () => {
    const r = parse(
      `
version: "2.1"
docker: {image: "example/prep:\${version}", env_args: {HOME_DIR: "\${oc.env:GP_TEST_VAR}"}}
singularity: {image: "prep-\${version}.sif", image_dir: "\${runtime.workspace}/sifs"}
tasks:
  t: {parameters: {inputs: {a: "\${workspace}/in/"}}}
`,
      { GP_TEST_VAR: '/home/x' },
    );
    expect(r.ok, JSON.stringify(r.diagnostics)).toBe(true);
    if (!r.ok) return;
    expect(r.value.docker?.image).toBe('example/prep:2.1');
    expect(r.value.docker?.envArgs).toEqual({ HOME_DIR: '/home/x' });
    expect(r.value.singularity?.image).toBe('prep-2.1.sif');
    expect(r.value.singularity?.imageDir).toBe(path.join(T, 'cube', 'workspace', 'sifs'));
    expect(r.value.tasks[0].inputs[0]).toMatchObject({
      type: 'directory',
      default: `${path.join(T, 'cube', 'workspace')}/in/`,
    });
  });

  it('reads the local extension as a command string or list', () => {
    const a = parse(`local: {command: "python3 'my cube.py' --flag"}\ntasks: {t: {}}\n`);
    expect(a.ok && a.value.local?.command).toEqual(['python3', 'my cube.py', '--flag']);
    const b = parse(`local: {command: [sh, run.sh]}\ntasks: {t: {}}\n`);
    expect(b.ok && b.value.local?.command).toEqual(['sh', 'run.sh']);
    expect(splitWords(`a "b c" d\\ e ''`)).toEqual(['a', 'b c', 'd e', '']);
  });

  const bad: [string, string, string, number][] = [
    ['unknown docker key', 'docker:\n  image: a\n  imagee: b\ntasks: {t: {}}\n', 'manifest.unknown-key', 3],
    ['missing docker image', 'docker:\n  build_context: .\ntasks: {t: {}}\n', 'manifest.docker-image', 1],
    ['invalid YAML', 'docker: {image: a\ntasks: [\n', 'manifest.yaml-syntax', 2],
    ['no tasks', 'docker: {image: a}\n', 'manifest.tasks', 1],
    [
      'bad type',
      'docker: {image: a}\ntasks:\n  t:\n    parameters:\n      inputs:\n        x: {type: folder}\n',
      'manifest.value',
      6,
    ],
    [
      'bad opts',
      'docker: {image: a}\ntasks:\n  t:\n    parameters:\n      inputs:\n        x: {opts: rx}\n',
      'manifest.value',
      6,
    ],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: MLCube's ${...} references are literal text here
    ['unknown reference', 'docker: {image: "a:${nope.x}"}\ntasks: {t: {}}\n', 'manifest.reference', 1],
    [
      'reference cycle',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: MLCube's ${...} references are literal text here
      'a: "${b}"\nb: "${a}"\ndocker: {image: x}\ntasks: {t: {}}\n',
      'manifest.reference',
      1,
    ],
    ['unknown task key', 'docker: {image: a}\ntasks:\n  t:\n    parametres: {}\n', 'manifest.unknown-key', 4],
    ['no runner', 'tasks: {t: {}}\n', 'manifest.no-runner', 0],
    [
      'in and out',
      'docker: {image: a}\ntasks:\n  t:\n    parameters:\n      inputs: {x: a/}\n      outputs: {x: b/}\n',
      'manifest.duplicate-parameter',
      6,
    ],
  ];
  for (const [what, text, code, line] of bad) {
    it(`refuses ${what} with ${code} at its line`, () => {
      const r = parse(text);
      expect(r.ok).toBe(false);
      const d = r.diagnostics.find((x) => x.code === code);
      expect(d, JSON.stringify(r.diagnostics)).toBeDefined();
      expect(d?.file).toBe(file());
      if (line > 0) expect(d?.line).toBe(line);
    });
  }
});

describe('planMounts', () => {
  it('resolves untyped inputs from disk, refuses missing inputs and untyped outputs, creates outputs', async () => {
    const cube = path.join(T, 'plan');
    await mkdir(path.join(cube, 'workspace', 'dir'), { recursive: true });
    await writeFile(path.join(cube, 'workspace', 'f.txt'), 'x');
    const text = `docker: {image: a}
tasks:
  t:
    parameters:
      inputs: {d: dir, f: f.txt, missing: nothing}
      outputs: {o: {type: file, default: out/result.yaml}, u: untyped}
`;
    const r = parseManifest(text, path.join(cube, 'mlcube.yaml'));
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(r.diagnostics.map((d) => d.code)).toEqual(['manifest.output-type-unknown']);
    const bad = await planMounts(r.value, 't');
    expect(bad.ok).toBe(false);
    expect(bad.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ['cube.input-missing', 5],
      ['cube.output-type-unknown', 6],
    ]);
    // A trailing slash on the override types the output; a typo'd name is refused.
    const typo = await planMounts(r.value, 't', { params: { missing: 'dir', u: 'u/', oops: 'x' } });
    expect(typo.diagnostics.map((d) => d.code)).toEqual(['cube.unknown-parameter']);
    const good = await planMounts(r.value, 't', { params: { missing: 'dir', u: 'u/' } });
    if (!good.ok) throw new Error(JSON.stringify(good.diagnostics));
    const ws = path.join(cube, 'workspace');
    expect(good.value.containerArgs).toEqual([
      '--d=/mlcube_io0',
      '--f=/mlcube_io1/f.txt',
      '--missing=/mlcube_io0',
      '--o=/mlcube_io2/result.yaml',
      '--u=/mlcube_io3',
    ]);
    expect(good.value.mounts.map((m) => [m.hostDir, m.mode])).toEqual([
      [path.join(ws, 'dir'), 'ro'],
      [ws, 'ro'],
      [path.join(ws, 'out'), 'rw'],
      [path.join(ws, 'u'), 'rw'],
    ]);
    // Outputs exist afterwards (MedPerf creates them; a file output is created empty).
    const { stat } = await import('node:fs/promises');
    expect((await stat(path.join(ws, 'out', 'result.yaml'))).size).toBe(0);
    expect((await stat(path.join(ws, 'u'))).isDirectory()).toBe(true);
  });

  it('keeps an output read-only when an input already mounts its folder, with a warning', async () => {
    const cube = path.join(T, 'shared');
    await mkdir(path.join(cube, 'workspace', 'd'), { recursive: true });
    const r = parseManifest(
      'docker: {image: a}\ntasks:\n  t:\n    parameters:\n      inputs: {i: d/}\n      outputs: {o: {type: file, default: d/out.txt}}\n',
      path.join(cube, 'mlcube.yaml'),
    );
    if (!r.ok) throw new Error('parse');
    const p = await planMounts(r.value, 't');
    if (!p.ok) throw new Error(JSON.stringify(p.diagnostics));
    expect(p.value.mounts).toHaveLength(1);
    expect(p.value.mounts[0].mode).toBe('ro');
    expect(p.value.containerArgs).toEqual(['--i=/mlcube_io0', '--o=/mlcube_io0/out.txt']);
    expect(p.diagnostics.map((d) => d.code)).toEqual(['cube.output-readonly']);
  });
});
