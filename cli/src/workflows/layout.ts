/**
 * Where the procedures keep their local state under `$GITPERF_HOME` (MedPerf's ~/.medperf layout, adapted).
 * The folders themselves are named once, in `infra/gitperf-home.ts`; this adds the per-entity paths:
 *
 *   datasets/<name>/{data/, labels/, metadata/?, report.yaml?, statistics.yaml, dataset.yaml,
 *                    preparation.yaml, .ready}
 *   predictions/<model-owner>.<cube>/<dataset>/
 *   results/<benchmark>/<data-owner>/<dataset>/<model-owner>.<cube>.yaml   (the registry's own path shape)
 *   tests/<sha256 of the test's inputs>/{test_report.yaml, dataset/, predictions/, results.yaml}
 */
import { join } from 'node:path';
import { gitperfHome, homeLayout } from '../infra/gitperf-home.js';
import { pairName } from '../registry/kinds.js';

export interface Layout {
  home: string;
  datasets: string;
  dataset(name: string): string;
  predictions(modelRef: string, dataset: string): string;
  result(benchmark: string, dataOwner: string, dataset: string, modelRef: string): string;
  tests: string;
  test(key: string): string;
  /** A materialised cube: `cubes/<owner>/<name>/`. */
  cube(owner: string, name: string): string;
  demo(sha256hex: string): string;
  logs: string;
  tmp: string;
  trash: string;
}

// `owner/name` → `owner.name`: the registry grammar's, re-exported for the folders named after it.
export { pairName };

export function layout(home: string = gitperfHome()): Layout {
  const folders = homeLayout(home);
  return {
    home,
    datasets: folders.datasets,
    dataset: (name) => join(folders.datasets, name),
    predictions: (modelRef, dataset) => join(folders.predictions, pairName(modelRef), dataset),
    result: (benchmark, dataOwner, dataset, modelRef) =>
      join(folders.results, benchmark, dataOwner, dataset, `${pairName(modelRef)}.yaml`),
    tests: folders.tests,
    test: (key) => join(folders.tests, key),
    cube: folders.cube,
    demo: (hex) => join(folders.demo, hex),
    logs: folders.logs,
    tmp: folders.staging,
    trash: folders.trash,
  };
}
