/**
 * The demo consortium built programmatically: small entity builders and a default base registry, so a
 * scenario states only what it changes.
 */
import { stringify } from 'yaml';

export type Entity = Record<string, unknown>;
export type Files = Map<string, Entity | string>;

import type { Kind, Entity as RegistryEntity } from '../../../cli/src/registry/kinds.js';
import {
  datasetAssociationRef,
  modelAssociationRef,
  ownedRef,
  resultRef,
} from '../../../cli/src/registry/kinds.js';
import { repoEntityPath } from '../../../cli/src/registry/layout.js';
import { fixtureHash, RegistryBuilder, resultProvenance } from '../../helpers/registry-builder.js';

const HASH = fixtureHash;

/** The typed entity as the editable record scenarios mutate (a scenario may break its shape on purpose). */
function editable(entity: RegistryEntity | undefined): Entity {
  if (!entity) throw new Error('the registry builder lost an entity');
  return entity as unknown as Entity;
}

export const user = (login: string, admin = false): Entity =>
  editable(
    new RegistryBuilder()
      .user(login, admin ? { roles: ['admin'] } : { organization: 'demo' })
      .get('User', login),
  );

let seq = 100;
export const cube = (owner: string, name: string, state: 'development' | 'operation' = 'operation'): Entity =>
  editable(
    new RegistryBuilder()
      .mlcube(
        owner,
        name,
        {
          manifest: { url: `examples/cubes/${name}/mlcube.yaml`, sha256: HASH(seq++) },
          image: { reference: `localhost/${name}:1`, digest: HASH(seq++) },
          state,
        },
        { description: `${name} cube` },
      )
      .get('MLCube', ownedRef(owner, name)),
  );

export const dataset = (
  owner: string,
  name: string,
  preparator = 'ana/bc-prep',
  state: 'development' | 'operation' = 'operation',
): Entity =>
  editable(
    new RegistryBuilder()
      .dataset(owner, name, { preparator, inputDataHash: HASH(seq++), generatedUid: HASH(seq++), state })
      .get('Dataset', ownedRef(owner, name)),
  );

export const runner = (owner: string, name: string, datasets: string[]): Entity =>
  editable(new RegistryBuilder().runner(owner, name, { datasets }).get('Runner', ownedRef(owner, name)));

export const benchmark = (name: string, owner: string, committee: string[], extra: Entity = {}): Entity =>
  editable(
    new RegistryBuilder()
      // extra may be deliberately off-schema (a scenario testing the policy on bad input)
      .benchmark(name, owner, { committee, ...extra }, { description: 'Breast cancer diagnosis' })
      .get('Benchmark', name),
  );

export const modelAssoc = (b: string, model: string, priority?: number): Entity =>
  editable(
    new RegistryBuilder()
      .modelAssociation(b, model, priority === undefined ? {} : { priority })
      .get('ModelAssociation', modelAssociationRef(b, model)),
  );

export const datasetAssoc = (b: string, ds: string): Entity =>
  editable(
    new RegistryBuilder().datasetAssociation(b, ds).get('DatasetAssociation', datasetAssociationRef(b, ds)),
  );

/**
 * A result of a run on the demo consortium: its cube list and generatedUid are those of `files` (default:
 * the demo registry's), so it is current at merge.
 */
export const result = (b: string, ds: string, model: string, files: Files = demoFiles()): Entity => {
  const lookup = <K extends Kind>(kind: K, ref: string) => {
    const found = files.get(repoEntityPath(kind, ref));
    return typeof found === 'object' ? (found as unknown as RegistryEntity<K>) : undefined;
  };
  const built = new RegistryBuilder().result(b, ds, model).get('Result', resultRef(b, ds, model));
  if (built) Object.assign(built.spec.execution, resultProvenance(lookup, b, ds, model));
  return editable(built);
};

let demoCache: Files | undefined;
/** The default base once (its hashes are the same every time; the sequence for later entities is kept). */
function demoFiles(): Files {
  if (!demoCache) {
    const saved = seq;
    demoCache = demoRegistry();
    seq = saved;
  }
  return demoCache;
}

/** Repository paths of entities, from the one layout. */
export const P = {
  user: (login: string) => repoEntityPath('User', login),
  cube: (ref: string) => repoEntityPath('MLCube', ref),
  dataset: (ref: string) => repoEntityPath('Dataset', ref),
  runner: (ref: string) => repoEntityPath('Runner', ref),
  bench: (b: string) => repoEntityPath('Benchmark', b),
  model: (b: string, ref: string) => repoEntityPath('ModelAssociation', modelAssociationRef(b, ref)),
  dsAssoc: (b: string, ref: string) => repoEntityPath('DatasetAssociation', datasetAssociationRef(b, ref)),
  result: (b: string, ds: string, model: string) => repoEntityPath('Result', resultRef(b, ds, model)),
};

/** The default base: the demo consortium with one associated model, two associated datasets, one result. */
export function demoRegistry(): Files {
  seq = 100; // the same hashes every time, so a copied base repository matches a freshly built one
  const f: Files = new Map();
  f.set('registry/registry.yaml', {
    apiVersion: 'gitperf/v1',
    kind: 'Registry',
    metadata: { name: 'demo-consortium' },
    spec: { bots: ['gitperf-bot'] },
  });
  f.set(P.user('ada'), user('ada', true));
  for (const u of ['ana', 'raj', 'lee', 'kim', 'hospital-a', 'hospital-b', 'hospital-c'])
    f.set(P.user(u), user(u));
  for (const c of ['bc-prep', 'bc-logreg', 'bc-metrics']) f.set(P.cube(`ana/${c}`), cube('ana', c));
  f.set(P.cube('lee/bc-centroid'), cube('lee', 'bc-centroid'));
  f.set(P.cube('kim/bc-stump'), cube('kim', 'bc-stump'));
  f.set(P.cube('lee/dev-cube'), cube('lee', 'dev-cube', 'development'));
  f.set(P.dataset('hospital-a/wdbc-a'), dataset('hospital-a', 'wdbc-a'));
  f.set(P.dataset('hospital-b/wdbc-b'), dataset('hospital-b', 'wdbc-b'));
  f.set(P.dataset('hospital-c/wdbc-c'), dataset('hospital-c', 'wdbc-c'));
  f.set(P.dataset('hospital-c/other-prep'), dataset('hospital-c', 'other-prep', 'kim/bc-stump'));
  f.set(P.dataset('hospital-b/dev-ds'), dataset('hospital-b', 'dev-ds', 'ana/bc-prep', 'development'));
  f.set(P.runner('hospital-a/runner-a'), runner('hospital-a', 'runner-a', ['hospital-a/wdbc-a']));
  f.set(P.runner('hospital-b/runner-b'), runner('hospital-b', 'runner-b', ['hospital-b/wdbc-b']));
  f.set(P.bench('bc-diagnosis'), benchmark('bc-diagnosis', 'ana', ['ana', 'raj']));
  f.set(P.model('bc-diagnosis', 'lee/bc-centroid'), modelAssoc('bc-diagnosis', 'lee/bc-centroid'));
  f.set(P.dsAssoc('bc-diagnosis', 'hospital-a/wdbc-a'), datasetAssoc('bc-diagnosis', 'hospital-a/wdbc-a'));
  f.set(P.dsAssoc('bc-diagnosis', 'hospital-b/wdbc-b'), datasetAssoc('bc-diagnosis', 'hospital-b/wdbc-b'));
  f.set(
    P.result('bc-diagnosis', 'hospital-a/wdbc-a', 'lee/bc-centroid'),
    result('bc-diagnosis', 'hospital-a/wdbc-a', 'lee/bc-centroid', f),
  );
  f.set('.github/workflows/ci.yml', 'on: [pull_request]\njobs: {}\n');
  f.set('schemas/user.schema.json', '{}\n');
  return f;
}

export function render(v: Entity | string): string {
  return typeof v === 'string' ? v : stringify(v);
}

/** Deep-clones an entity so a scenario's edit never leaks into the base. */
export function clone<T>(v: T): T {
  return structuredClone(v);
}
