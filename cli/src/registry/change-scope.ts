import type { PathInfo } from './layout.js';

/**
 * Where the unchanged files that a change may break can live, from the layout grammar alone: the
 * folders (patterns for FileSource.listUnder; `*` is any benchmark) to list instead of the whole
 * registry. It relies on what every merged file already satisfies: a runner serves only its owner's
 * datasets, a result's runner and dataset are its owner's, paths name the benchmark, model and dataset
 * their files hold. Returns undefined when the candidates are spread over the whole registry (a
 * deleted User or MLCube can be named by nearly any file): then the whole registry is listed.
 */
export function referrerFolders(info: PathInfo, deleted: boolean): string[] | undefined {
  const [owner, name] = (info.dataset ?? info.ref).split('/');
  if (!deleted) {
    // An edited benchmark re-checks its results and dataset associations (its preparator, its
    // reference model); an edited dataset its associations (its preparator). Nothing else re-checks.
    if (info.kind === 'Benchmark')
      return [`benchmarks/${info.ref}/results`, `benchmarks/${info.ref}/datasets`];
    if (info.kind === 'Dataset') return [`benchmarks/*/datasets/${owner}.${name}.yaml`];
    return [];
  }
  switch (info.kind) {
    case 'Result':
      return []; // nothing names a result
    case 'Benchmark':
      return [`benchmarks/${info.ref}`];
    case 'ModelAssociation':
      return [`benchmarks/${info.benchmark}/results`];
    case 'DatasetAssociation':
      return [`benchmarks/${info.benchmark}/results/${owner}/${name}`];
    case 'Dataset':
      return [
        `benchmarks/*/datasets/${owner}.${name}.yaml`,
        `benchmarks/*/results/${owner}/${name}`,
        `runners/${owner}`,
      ];
    case 'Runner':
      return [`benchmarks/*/results/${owner}`];
    default:
      return undefined; // Registry, User, MLCube
  }
}
