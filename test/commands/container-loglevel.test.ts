// Every command that runs cubes offers MedPerf's --container-loglevel (MEDPERF_LOGLEVEL for the cubes), and
// no command sets a level unless asked.
import { describe, expect, it } from 'vitest';
import AssociationRequest from '../../cli/src/commands/association/request.js';
import BenchmarkRun from '../../cli/src/commands/benchmark/run.js';
import BenchmarkSubmit from '../../cli/src/commands/benchmark/submit.js';
import CubeRun from '../../cli/src/commands/cube/run.js';
import DatasetPrepare from '../../cli/src/commands/dataset/prepare.js';
import TestRun from '../../cli/src/commands/test/run.js';

const COMMANDS = {
  'dataset prepare': DatasetPrepare,
  'test run': TestRun,
  'benchmark run': BenchmarkRun,
  'cube run': CubeRun,
  'association request': AssociationRequest,
  'benchmark submit': BenchmarkSubmit,
};

describe('--container-loglevel', () => {
  for (const [name, command] of Object.entries(COMMANDS)) {
    it(`${name} has it, with no default`, () => {
      const flag = (command.flags as Record<string, { default?: unknown; type: string }>)[
        'container-loglevel'
      ];
      expect(flag, name).toBeDefined();
      expect(flag.type).toBe('option');
      expect(flag.default).toBeUndefined();
    });
  }
});
