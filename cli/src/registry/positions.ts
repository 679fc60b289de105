/** How the registry reads YAML. Positions (offsets and property paths to lines) come from `infra/yaml-positions.ts`. */
export {
  type Position,
  PositionMap,
  type PositionTarget,
  type PropertyPath,
} from '../infra/yaml-positions.js';

export const YAML_OPTIONS = {
  // Duplicate keys are refused by `parseYamlFile` in one pass; the parser's own check is quadratic in the
  // number of keys of a mapping (a hostile 1 MiB file took minutes).
  uniqueKeys: false,
  merge: false,
  prettyErrors: false,
  version: '1.2',
  schema: 'core',
  strict: true,
} as const;
