// Run as its own process by the concurrency test: opens `count` submissions as `user` and prints their numbers.
import { LocalForge } from '../../../cli/src/forge/local/local-forge.js';

const [registry, user, count] = process.argv.slice(2);
const forge = await LocalForge.open({ registry, user });
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
