import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitperfHome, homeLayout } from '../../cli/src/infra/gitperf-home.js';

describe('the $GITPERF_HOME layout', () => {
  it('takes $GITPERF_HOME (made absolute), else ~/.gitperf', () => {
    expect(gitperfHome({ GITPERF_HOME: 'relative/home' })).toBe(resolve('relative/home'));
    expect(gitperfHome({ GITPERF_HOME: '' })).toBe(join(homedir(), '.gitperf'));
    expect(gitperfHome({})).toBe(join(homedir(), '.gitperf'));
  });

  it('names every folder under the home, each distinct and inside it', () => {
    const home = '/h';
    const layout = homeLayout(home);
    expect(layout.configFile).toBe('/h/config.yaml');
    expect(layout.resourceCache).toBe('/h/cache/sha256');
    expect(layout.cube('ana', 'bc-stump')).toBe('/h/cubes/ana/bc-stump');
    expect(layout.registrySnapshots('abcd')).toBe('/h/registries/abcd');
    expect(layout.forgeCache('ef01')).toBe('/h/forges/ef01.git');
    const folders = [
      layout.configFile,
      layout.resourceCache,
      layout.cubes,
      layout.logs,
      layout.containerTmp,
      layout.keys,
      layout.datasets,
      layout.predictions,
      layout.results,
      layout.tests,
      layout.demo,
      layout.staging,
      layout.trash,
    ];
    expect(new Set(folders).size).toBe(folders.length);
    for (const folder of folders) expect(folder.startsWith('/h/')).toBe(true);
  });
});
