import { datasetAssociationRef } from './kinds.js';
import { entityFolder, entityPath, type PathInfo } from './layout.js';

/**
 * Where the unchanged files that a change may break can live, from the layout grammar alone: the
 * folders (patterns for FileSource.listUnder; `*` is any benchmark) to list instead of the whole
 * registry. It relies on what every merged file already satisfies: a runner serves only its owner's
 * datasets, a result's runner and dataset are its owner's, paths name the benchmark, model and dataset
 * their files hold. Returns undefined when the candidates are spread over the whole registry (a
 * deleted User or MLCube can be named by nearly any file): then the whole registry is listed.
 */
export function referrerFolders(info: PathInfo, deleted: boolean): string[] | undefined {
  const dataset = info.dataset ?? info.ref;
  const owner = dataset.split('/')[0];
  /** Every benchmark's association of this dataset (a pattern). */
  const anyAssociationOf = () => entityPath('DatasetAssociation', datasetAssociationRef('*', dataset));
  if (!deleted) {
    // An edited benchmark re-checks its results and dataset associations (its preparator, its
    // reference model); an edited dataset its associations (its preparator). Nothing else re-checks.
    if (info.kind === 'Benchmark')
      return [
        entityFolder({ kind: 'Result', benchmark: info.ref }),
        entityFolder({ kind: 'DatasetAssociation', benchmark: info.ref }),
      ];
    if (info.kind === 'Dataset') return [anyAssociationOf()];
    return [];
  }
  switch (info.kind) {
    case 'Result':
      return []; // nothing names a result
    case 'Benchmark':
      return [entityFolder({ kind: 'Benchmark', benchmark: info.ref })];
    case 'ModelAssociation':
      return [entityFolder({ kind: 'Result', benchmark: info.benchmark ?? '' })];
    case 'DatasetAssociation':
      return [entityFolder({ kind: 'Result', benchmark: info.benchmark ?? '', dataset })];
    case 'Dataset':
      return [
        anyAssociationOf(),
        entityFolder({ kind: 'Result', benchmark: '*', dataset }),
        entityFolder({ kind: 'Runner', owner }),
      ];
    case 'Runner':
      return [entityFolder({ kind: 'Result', benchmark: '*', dataOwner: owner })];
    default:
      return undefined; // Registry, User, MLCube
  }
}
