/** How the registry reads YAML. Positions (offsets and property paths to lines) come from `infra/yaml-positions.ts`. */
export {
  type Position,
  PositionMap,
  type PositionTarget,
  type PropertyPath,
} from '../infra/yaml-positions.js';

export const YAML_OPTIONS = {
  uniqueKeys: true,
  merge: false,
  prettyErrors: false,
  version: '1.2',
  schema: 'core',
  strict: true,
} as const;
