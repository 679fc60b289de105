import { execa } from 'execa';

export type Entry =
  | { name: string; type: 'file'; data: string }
  | { name: string; type: 'dir' }
  | { name: string; type: 'symlink' | 'hardlink'; target: string }
  | { name: string; type: 'fifo' };

/** Writes a .tar.gz with exactly these entries (no sanitising), using Python's tarfile. */
export async function makeTar(out: string, entries: Entry[]): Promise<void> {
  const py = `
import io, json, sys, tarfile
out, entries = sys.argv[1], json.loads(sys.stdin.read())
with tarfile.open(out, 'w:gz') as t:
    for e in entries:
        i = tarfile.TarInfo(e['name'])
        data = None
        if e['type'] == 'file':
            data = e['data'].encode(); i.size = len(data)
        elif e['type'] == 'dir': i.type = tarfile.DIRTYPE; i.mode = 0o755
        elif e['type'] == 'symlink': i.type = tarfile.SYMTYPE; i.linkname = e['target']
        elif e['type'] == 'hardlink': i.type = tarfile.LNKTYPE; i.linkname = e['target']
        elif e['type'] == 'fifo': i.type = tarfile.FIFOTYPE
        t.addfile(i, io.BytesIO(data) if data is not None else None)
`;
  await execa('python3', ['-c', py, out], { input: JSON.stringify(entries) });
}
