// Run as its own process by the race test: opens `count` submissions as `user` and prints their numbers.
// With a `cacheDir`, the registry is a URL and this process works in its own clone of it.
import { LocalForge } from '../../../cli/src/forge/local/local-forge.js';

const [registry, user, count, cacheDir] = process.argv.slice(2);
const forge = await LocalForge.open({ registry, user, ...(cacheDir ? { cacheDir } : {}) });
const numbers: number[] = [];
await Promise.all(
  Array.from({ length: Number(count) }, async (_, i) => {
    const s = await forge.openSubmission({
      title: `${user} submission ${i}`,
      body: 'concurrency test',
      author: user,
      files: [{ path: `registry/users/${user}-${i}.yaml`, content: `name: ${user}-${i}\n` }],
    });
    numbers.push(s.number);
  }),
);
process.stdout.write(`${JSON.stringify({ numbers, lostRaces: forge.lostRaces })}\n`);
