// A node's image: the read-only file tree its layers merge into, laid out
// like a root filesystem (etc/init.d/, bin/, lib/). Each file is known by
// where its bytes are, a local file or an IPFS CID, and read on demand, so
// a large image costs nothing until a script loads from it.
import { readFile, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { NodeError } from './errors.js';
import { missingCellHint } from './missing-cell.js';

export type ImageFile =
  | { kind: 'local'; path: string; size: number }
  | { kind: 'ipfs'; cid: string; size: number };

/** Reads a file that lives in IPFS (the node's store), at most `maxBytes`. */
export type IpfsFileReader = (cid: string, maxBytes: number) => Promise<Uint8Array>;

/** The most a script may :load from the image in one piece (a cell's size limit). */
export const MAX_IMAGE_FILE_BYTES = 64 * 1024 * 1024;

export class Image {
  constructor(
    /** Every file, by its path from the image root without a leading slash (`etc/init.d/05-status.glia`). */
    readonly files: ReadonlyMap<string, ImageFile>,
    /** The layers it was merged from, in order, as given. */
    readonly layers: readonly string[],
    private readonly readIpfs: IpfsFileReader | null = null,
    /** What to run when a script asks for one of these paths and it is missing (the std image's status cell). */
    private readonly missingHints: ReadonlyMap<string, string> = new Map(),
  ) {}

  has(path: string): boolean {
    const p = imagePath(path);
    return p !== null && this.files.has(p);
  }

  /** The names directly inside folder `dir`, sorted (files and folders alike). */
  list(dir: string): string[] {
    const d = imagePath(dir);
    if (d === null) return [];
    const prefix = d === '' ? '' : d + '/';
    const names = new Set<string>();
    for (const p of this.files.keys()) {
      if (p.startsWith(prefix)) names.add(p.slice(prefix.length).split('/', 1)[0]!);
    }
    return [...names].sort();
  }

  /** `etc/init.d/*.glia` in lexicographic order: the boot scripts. */
  initScripts(): string[] {
    return [...this.files.keys()]
      .filter((p) => p.startsWith('etc/init.d/') && p.endsWith('.glia') && !p.slice('etc/init.d/'.length).includes('/'))
      .sort();
  }

  /** The bytes of the file at `path` (relative to the image root; a leading / is allowed). */
  async read(path: string, maxBytes = MAX_IMAGE_FILE_BYTES): Promise<Uint8Array> {
    const p = imagePath(path);
    const f = p === null ? undefined : this.files.get(p);
    if (!f) {
      const inside = p === null ? [] : this.list(p);
      if (inside.length) throw new NodeError('node/not-found', `${path} is a folder in the image, not a file`, `it holds ${inside.slice(0, 5).join(', ')}`);
      const build = p === null ? null : this.missingHints.get(p) ?? missingCellHint(p, this.layers);
      throw new NodeError('node/not-found', `${path} is not in the image`, build ?? `the image merges ${this.layers.join(', ') || 'no layers'}`);
    }
    if (f.size > maxBytes) throw new NodeError('node/layer', `${path} is ${f.size} bytes, over the limit of ${maxBytes}`);
    if (f.kind === 'local') {
      try { return new Uint8Array(await readFile(f.path)); }
      catch (e) { throw new NodeError('node/layer', `cannot read ${path} (from ${f.path}): ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); }
    }
    if (!this.readIpfs) throw new NodeError('node/ipfs', `${path} lives in IPFS (${f.cid}), and this node has no IPFS store`);
    return this.readIpfs(f.cid, maxBytes);
  }
}

/**
 * `path` as a key of Image.files: relative to the root, normalized, with no
 * leading slash; null when it climbs out of the root (`../etc`).
 */
export function imagePath(path: string): string | null {
  const n = posix.normalize('/' + path.replace(/\\/g, '/'));
  if (n.split('/').includes('..')) return null;
  return n === '/' ? '' : n.replace(/^\/+/, '').replace(/\/+$/, '');
}

/** The size of a local file, or null when it is not a regular file. */
export async function regularFileSize(path: string): Promise<number | null> {
  try { const s = await stat(path); return s.isFile() ? s.size : null; } catch { return null; }
}
