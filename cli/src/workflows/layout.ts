/**
 * Where the procedures keep their local state under `$GITPERF_HOME` (MedPerf's ~/.medperf layout, adapted):
 *
 *   datasets/<name>/{data/, labels/, metadata/?, report.yaml?, statistics.yaml, dataset.yaml,
 *                    preparation.yaml, .ready}
 *   predictions/<model-owner>.<cube>/<dataset>/
 *   results/<benchmark>/<data-owner>/<dataset>/<model-owner>.<cube>.yaml   (the registry's own path shape)
 *   tests/<sha256 of the test's inputs>/{test_report.yaml, dataset/, predictions/, results.yaml}
 *   demo/<tarball sha256>/                     extracted demo tarballs
 *   logs/                                      task logs (the cube engine's)
 *   .tmp/  .trash/                             staging and removal, on the same filesystem so rename works
 */
import { join } from 'node:path';
import { gitperfHome } from '../infra/gitperf-home.js';
import { pairName } from '../registry/kinds.js';

export interface Layout {
  home: string;
  datasets: string;
  dataset(name: string): string;
  predictions(modelRef: string, dataset: string): string;
  result(benchmark: string, dataOwner: string, dataset: string, modelRef: string): string;
  tests: string;
  test(key: string): string;
  demo(sha256hex: string): string;
  logs: string;
  tmp: string;
  trash: string;
}

// `owner/name` → `owner.name`: the registry grammar's, re-exported for the folders named after it.
export { pairName };

export function layout(home: string = gitperfHome()): Layout {
  return {
    home,
    datasets: join(home, 'datasets'),
    dataset: (name) => join(home, 'datasets', name),
    predictions: (modelRef, dataset) => join(home, 'predictions', pairName(modelRef), dataset),
    result: (benchmark, dataOwner, dataset, modelRef) =>
      join(home, 'results', benchmark, dataOwner, dataset, `${pairName(modelRef)}.yaml`),
    tests: join(home, 'tests'),
    test: (key) => join(home, 'tests', key),
    demo: (hex) => join(home, 'demo', hex),
    logs: join(home, 'logs'),
    tmp: join(home, '.tmp'),
    trash: join(home, '.trash'),
  };
}
