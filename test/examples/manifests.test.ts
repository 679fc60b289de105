// The example cubes are real MLCube folders with MedPerf's task and parameter names.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cubeFolders, cubesDir } from './cube-helpers.js';

const manifest = (c: string) => parse(readFileSync(join(cubesDir, c, 'mlcube.yaml'), 'utf8'));

// task -> [input names, output names], in MLCube (and MedPerf) order.
const expectedTasks: Record<string, Record<string, [string[], string[]]>> = {
  prep: {
    prepare: [
      ['data_path', 'labels_path', 'parameters_file'],
      ['output_path', 'output_labels_path'],
    ],
    sanity_check: [['data_path', 'labels_path', 'parameters_file'], []],
    statistics: [['data_path', 'labels_path', 'parameters_file'], ['output_path']],
  },
  logreg: { infer: [['data_path', 'parameters_file', 'weights'], ['output_path']] },
  centroid: { infer: [['data_path', 'parameters_file'], ['output_path']] },
  stump: { infer: [['data_path', 'parameters_file'], ['output_path']] },
  metrics: { evaluate: [['predictions', 'labels', 'parameters_file'], ['output_path']] },
};

describe('example mlcube.yaml files', () => {
  for (const c of cubeFolders) {
    it(`${c}: names, docker section, local command and tasks`, () => {
      const m = manifest(c);
      expect(m.name).toBe(`bc-${c}`);
      expect(typeof m.description).toBe('string');
      expect(m.authors[0].name).toMatch(/^[a-z]+$/);
      expect(m.platform).toEqual({ accelerator_count: 0 });
      expect(m.docker).toEqual({
        image: `gitperf/bc-${c}:0.1`,
        build_context: '.',
        build_file: 'Containerfile',
      });
      expect(m.local).toEqual({ command: 'python3 project/mlcube.py' });
      const tasks = expectedTasks[c];
      expect(Object.keys(m.tasks)).toEqual(Object.keys(tasks));
      for (const [task, [inputs, outputs]] of Object.entries(tasks)) {
        const p = m.tasks[task].parameters;
        expect(Object.keys(p.inputs ?? {}), `${c} ${task} inputs`).toEqual(inputs);
        expect(Object.keys(p.outputs ?? {}), `${c} ${task} outputs`).toEqual(outputs);
        expect(p.inputs.parameters_file).toBe('parameters.yaml');
      }
    });

    it(`${c}: workspace/parameters.yaml, Containerfile and entrypoint exist`, () => {
      expect(existsSync(join(cubesDir, c, 'workspace', 'parameters.yaml'))).toBe(true);
      expect(existsSync(join(cubesDir, c, 'project', 'mlcube.py'))).toBe(true);
      const cf = readFileSync(join(cubesDir, c, 'Containerfile'), 'utf8');
      expect(cf).toMatch(/^FROM localhost\/gitperf\/python-base:bookworm$/m);
      expect(cf).toContain('ENTRYPOINT ["python3", "/mlcube/project/mlcube.py"]');
    });
  }

  it('declares file outputs with an explicit type and directory outputs with a trailing slash or type', () => {
    for (const c of cubeFolders) {
      for (const task of Object.values(manifest(c).tasks) as {
        parameters: { outputs?: Record<string, unknown> };
      }[]) {
        for (const o of Object.values(task.parameters.outputs ?? {})) {
          const ok =
            (typeof o === 'string' && o.endsWith('/')) ||
            (typeof o === 'object' && o !== null && 'type' in o);
          expect(ok, `${c}: ${JSON.stringify(o)}`).toBe(true);
        }
      }
    }
  });

  it('points the reference model weights into additional_files/, where MedPerf extracts the tarball', () => {
    expect(manifest('logreg').tasks.infer.parameters.inputs.weights).toBe('additional_files/weights.csv');
    expect(existsSync(join(cubesDir, 'logreg', 'workspace', 'additional_files', 'weights.csv'))).toBe(true);
  });
});
