// Layers: the parts an image is merged from. A layer is a local folder,
// `/ipfs/CID[/sub]` or `/ipns/NAME[/sub]`; later layers win per file and
// folders are unioned, as in an overlay filesystem. Walking is bounded
// (files, depth) so a hostile or mistaken layer cannot exhaust the node.
import { lstat, readdir, realpath } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { CID } from 'multiformats/cid';
import { NodeError } from './errors.js';
import { Image, type ImageFile, type IpfsFileReader } from './image.js';

/** What the layer loader needs of IPFS: walk a UnixFS tree, resolve IPNS names. */
export interface LayerSource {
  /** Every file under `path` (`/ipfs/CID/sub`), with its path relative to `path`. */
  walk(path: string, signal?: AbortSignal): AsyncIterable<{ path: string; cid: string; size: number }>;
  /** `/ipns/NAME` to `/ipfs/CID...`. */
  resolveName(name: string, signal?: AbortSignal): Promise<string>;
  read: IpfsFileReader;
}

export const MAX_LAYER_FILES = 10_000;
const MAX_DEPTH = 32;

export interface LayerOptions {
  /** Needed for /ipfs and /ipns layers. */
  ipfs?: LayerSource | null;
  /** How long one IPFS layer may take to resolve and walk (default 60 s). */
  timeoutMs?: number;
  /** Files placed after every layer's (the std image's built cells). */
  extra?: ReadonlyMap<string, ImageFile>;
  /** Hints for paths a script may miss (the std image's cell when it was not built). */
  missingHints?: ReadonlyMap<string, string>;
  /**
   * Files and folders on disk that no local layer may hold, whatever its
   * root: the node's own state (its identity, authorized_keys, IPFS repo,
   * cell cache, host-state). `ww run ~/.ww` is how a node is run, and an
   * image is readable by every script and every holder of `ipfs`, so its
   * private key must never be in it. `left` hears what was left out.
   */
  exclude?: { paths: readonly string[]; left?: (layer: string, rel: string) => void };
}

/** Merges `layers` in order into one Image. Throws node/layer or node/not-found naming the layer. */
export async function mergeLayers(layers: readonly string[], opts: LayerOptions = {}): Promise<Image> {
  const files = new Map<string, ImageFile>();
  for (const layer of layers) {
    const entries = isIpfsPath(layer) ? await ipfsLayer(layer, opts) : await localLayer(layer, await excluded(opts), opts.exclude?.left);
    for (const [path, file] of entries) {
      // A file replaces a folder of the same name from an earlier layer, and the other way round.
      for (const p of [...files.keys()]) if (p.startsWith(path + '/')) files.delete(p);
      for (let i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) files.delete(path.slice(0, i));
      files.set(path, file);
    }
  }
  for (const [path, file] of opts.extra ?? []) files.set(path, file);
  return new Image(files, layers, opts.ipfs?.read ?? null, opts.missingHints);
}

export function isIpfsPath(layer: string): boolean {
  return layer.startsWith('/ipfs/') || layer.startsWith('/ipns/');
}

/** The real paths of the excluded files that exist. */
async function excluded(opts: LayerOptions): Promise<Set<string>> {
  const out = new Set<string>();
  for (const p of opts.exclude?.paths ?? []) {
    try { out.add(await realpath(resolve(p))); } catch { /* not there: nothing to leave out */ }
  }
  return out;
}

async function localLayer(layer: string, exclude: ReadonlySet<string> = new Set(), left?: (layer: string, rel: string) => void): Promise<Map<string, ImageFile>> {
  const root = resolve(layer);
  let st;
  try { st = await lstat(root); } catch {
    throw new NodeError('node/layer', `layer ${layer} is not a folder, /ipfs/CID or /ipns/NAME: no such file or folder`, hintFor(layer));
  }
  if (!st.isDirectory() && !(st.isSymbolicLink())) throw new NodeError('node/layer', `layer ${layer} is a file, not a folder`, 'a local layer is a folder laid out like a root filesystem (etc/init.d/, bin/)');
  const realRoot = await realpath(root);
  const out = new Map<string, ImageFile>();
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH) throw new NodeError('node/layer', `layer ${layer} nests folders deeper than ${MAX_DEPTH}`);
    let names: string[];
    try { names = (await readdir(dir)).sort(); }
    catch (e) { throw new NodeError('node/layer', `cannot read ${dir} in layer ${layer}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); }
    for (const name of names) {
      const full = join(dir, name);
      let real: string;
      try { real = await realpath(full); } catch { continue; } // a dangling link holds nothing
      // A link that leads out of the layer would let an image read the host's files.
      if (real !== realRoot && !real.startsWith(realRoot + sep)) continue;
      if (exclude.has(real)) { left?.(layer, relative(realRoot, full).split(sep).join('/')); continue; }
      const s = await lstat(real);
      if (s.isDirectory()) await walk(full, depth + 1);
      else if (s.isFile()) {
        if (out.size >= MAX_LAYER_FILES) throw new NodeError('node/layer', `layer ${layer} holds more than ${MAX_LAYER_FILES} files`);
        out.set(relative(realRoot, full).split(sep).join('/'), { kind: 'local', path: real, size: s.size });
      }
    }
  };
  await walk(realRoot, 0);
  return out;
}

async function ipfsLayer(layer: string, opts: LayerOptions): Promise<Map<string, ImageFile>> {
  if (!opts.ipfs) throw new NodeError('node/ipfs', `layer ${layer} is in IPFS, and this node has no IPFS store`);
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const signal = AbortSignal.timeout(timeoutMs);
  const what = layer;
  try {
    let path = layer;
    if (layer.startsWith('/ipns/')) path = await opts.ipfs.resolveName(layer, signal);
    const cid = path.split('/')[2] ?? '';
    try { CID.parse(cid); } catch { throw new NodeError('node/layer', `layer ${layer}: ${JSON.stringify(cid)} is not a CID`, 'a CID looks like bafybei... or Qm...'); }
    const out = new Map<string, ImageFile>();
    for await (const f of opts.ipfs.walk(path, signal)) {
      if (out.size >= MAX_LAYER_FILES) throw new NodeError('node/layer', `layer ${layer} holds more than ${MAX_LAYER_FILES} files`);
      out.set(f.path, { kind: 'ipfs', cid: f.cid, size: f.size });
    }
    return out;
  } catch (e) {
    if (e instanceof NodeError) throw e;
    if (signal.aborted) {
      throw new NodeError('node/not-found', `layer ${what} could not be fetched within ${Math.round(timeoutMs / 1000)} s`,
        'no reachable peer provides it: pass --bootstrap with the node that pushed it, or check the CID');
    }
    throw new NodeError('node/ipfs', `layer ${what}: ${(e as Error).message}`);
  }
}

function hintFor(layer: string): string {
  try { CID.parse(layer); return `to use a CID, write /ipfs/${layer}`; } catch { /* not a CID */ }
  return 'give an existing folder, /ipfs/CID or /ipns/NAME';
}
