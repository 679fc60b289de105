import { type Diagnostic, error } from '../diagnostics/diagnostic.js';
import type { LoadedEntity } from './loader.js';
import type { PropertyPath } from './positions.js';

/**
 * The layout layer: what a file's path says must match what the file says. Once this holds, the
 * path alone tells an entity's kind, name, owner, benchmark, model and dataset.
 */
export function checkLayout(loaded: LoadedEntity): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = (path: PropertyPath) => ({ file: loaded.file, ...loaded.position(path, 'value') });
  const meta = loaded.entity.metadata as { name: string; owner?: string };
  const spec = loaded.entity.spec as { benchmark?: string; model?: string; dataset?: string };
  const { info } = loaded;

  if (loaded.kind !== 'Registry' && meta.name !== info.name) {
    out.push(
      error(
        'layout.name-mismatch',
        `metadata.name "${meta.name}" must equal the file name "${info.name}"; rename the file or fix the name`,
        at(['metadata', 'name']),
      ),
    );
  }
  if (info.owner !== undefined && meta.owner !== info.owner) {
    const folder = loaded.kind === 'Result' ? 'results/<data-owner>/ folder' : 'owner folder';
    out.push(
      error(
        'layout.owner-mismatch',
        `metadata.owner "${meta.owner}" must equal the ${folder} "${info.owner}"`,
        at(['metadata', 'owner']),
      ),
    );
  }
  if (info.benchmark !== undefined && loaded.kind !== 'Benchmark' && spec.benchmark !== info.benchmark) {
    out.push(
      error(
        'layout.benchmark-mismatch',
        `spec.benchmark "${spec.benchmark}" must equal the benchmark folder "${info.benchmark}"`,
        at(['spec', 'benchmark']),
      ),
    );
  }
  if (info.model !== undefined && spec.model !== info.model) {
    out.push(
      error(
        'layout.ref-mismatch',
        `spec.model "${spec.model}" does not match the file name, which names model "${info.model}"`,
        at(['spec', 'model']),
      ),
    );
  }
  if (info.dataset !== undefined && spec.dataset !== info.dataset) {
    const where = loaded.kind === 'Result' ? 'the results/<data-owner>/<dataset>/ folders' : 'the file name';
    out.push(
      error(
        'layout.ref-mismatch',
        `spec.dataset "${spec.dataset}" does not match ${where}, which name dataset "${info.dataset}"`,
        at(['spec', 'dataset']),
      ),
    );
  }
  return out;
}
