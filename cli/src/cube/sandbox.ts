/**
 * What the local runner's bubblewrap sandbox shows a cube of the host: the system's read-only runtime (`/usr`,
 * the `/bin` `/sbin` `/lib*` entries as the host has them, and the few `/etc` files a dynamically linked
 * interpreter reads), and nothing else of the machine; the cube's own folders are added by the command line.
 * The cube runs as an unprivileged user in its own user namespace with every capability dropped, so the
 * sandbox holds when gitperf itself runs as root (bubblewrap keeps root's capabilities otherwise, and a cube
 * could remount `/` read-write).
 */
import { lstatSync, readlinkSync } from 'node:fs';

/** `nobody`: the uid and gid the cube runs as inside the sandbox (mapped to gitperf's own user outside). */
export const SANDBOX_ID = 65534;

/** The environment a sandboxed cube starts from (`--clearenv`), before the manifest's and the caller's. */
export const SANDBOX_ENV: Readonly<Record<string, string>> = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/tmp',
  LANG: 'C.UTF-8',
};

/**
 * Top-level system folders: bound read-only when they are folders; recreated as the same symlink when the
 * host has merged them into /usr (most distributions), so `/bin/sh` and the dynamic loader resolve as on the host.
 */
const SYSTEM_TOP = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];

/**
 * `/etc` entries a dynamically linked program or an interpreter reads: the loader's cache and configuration,
 * Debian's alternatives links (`/usr/bin/python3` may point through them) and the time zone. Not the password,
 * shadow or host files, nor any credential.
 */
export const SANDBOX_ETC = [
  '/etc/ld.so.cache',
  '/etc/ld.so.conf',
  '/etc/ld.so.conf.d',
  '/etc/alternatives',
  '/etc/localtime',
];

export type RuntimeEntry =
  | { kind: 'ro-bind'; path: string }
  | { kind: 'symlink'; path: string; target: string };

/** The host's runtime entries that exist, each as a read-only bind or as the symlink the host has. */
export async function sandboxRuntime(): Promise<RuntimeEntry[]> {
  const out: RuntimeEntry[] = [];
  for (const systemPath of [...SYSTEM_TOP, ...SANDBOX_ETC]) {
    const st = lstatSync(systemPath, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isSymbolicLink() && SYSTEM_TOP.includes(systemPath))
      out.push({ kind: 'symlink', path: systemPath, target: readlinkSync(systemPath) });
    // Other links (`/etc/localtime` -> /usr/share/zoneinfo/...) are bound as what they point to.
    else out.push({ kind: 'ro-bind', path: systemPath });
  }
  return out;
}

/** The bubblewrap arguments before the cube's own binds: namespaces, identity, capabilities, runtime, /dev, /proc, /tmp. */
export function sandboxPrelude(bwrap: string, runtime: readonly RuntimeEntry[]): string[] {
  const argv = [
    bwrap,
    // New user, pid, ipc, uts, cgroup, mount and network namespaces: no network, no view of other processes.
    '--unshare-all',
    '--unshare-user',
    '--uid',
    String(SANDBOX_ID),
    '--gid',
    String(SANDBOX_ID),
    '--cap-drop',
    'ALL',
    '--die-with-parent',
    '--new-session',
    '--clearenv',
  ];
  for (const runtimePath of runtime) {
    if (runtimePath.kind === 'symlink') argv.push('--symlink', runtimePath.target, runtimePath.path);
    else argv.push('--ro-bind-try', runtimePath.path, runtimePath.path);
  }
  argv.push('--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp');
  return argv;
}

/**
 * The environment of a cube run without the sandbox (`--unsafe-no-sandbox`): still not gitperf's own (no
 * GITHUB_TOKEN, GH_TOKEN or anything else), only what finds the host's interpreter (PATH, HOME) and the locale.
 */
export function unsandboxedEnv(parent: NodeJS.ProcessEnv): Record<string, string> {
  return {
    PATH: parent.PATH ?? SANDBOX_ENV.PATH,
    HOME: parent.HOME ?? SANDBOX_ENV.HOME,
    LANG: SANDBOX_ENV.LANG,
  };
}
