import { fileURLToPath } from 'node:url';

// podman needs the repository's containers.conf (runc, cgroupfs, file events) on CI and developer machines;
// CI exports it, local runs get the same default here.
process.env.CONTAINERS_CONF ??= fileURLToPath(new URL('../../scripts/containers.conf', import.meta.url));
