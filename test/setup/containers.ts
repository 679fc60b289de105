import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// podman needs the repository's containers.conf (runc, cgroupfs, file events) on CI and developer machines;
// CI exports it, local runs get the same default here.
process.env.CONTAINERS_CONF ??= fileURLToPath(new URL('../../scripts/containers.conf', import.meta.url));

// Commands run by tests without a home of their own (validate's verdict cache, the leaderboard's parse cache)
// write under a temp home, never the developer's ~/.gitperf.
process.env.GITPERF_HOME ??= join(tmpdir(), `gitperf-test-home-${process.pid}`);
