// `ww push` builds the image's DAG itself, in memory, before it hands it
// anywhere: one UnixFS folder (CIDv1, raw leaves: the unixfs-v1-2025
// profile), so the same folder gives the same CID whether it goes to a
// running node, the on-disk repo or Kubo, and the receiver gets blocks it
// can check one by one (runtime/node/car.ts) instead of files it must
// trust.
//
// The folder is walked as the layer loader (runtime/node/layers.ts) walks
// a local layer: symbolic links are followed only while they stay inside
// the folder (a link out of it would publish a file of this machine the
// user did not mean to push), dangling links hold nothing, and both are
// reported as skipped. Files and depth are bounded as for a layer, so what
// push accepts a node can boot.
import { createReadStream } from 'node:fs';
import { access, readdir, realpath, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join, sep } from 'node:path';
import { importer, type ImportCandidate } from 'ipfs-unixfs-importer';
import type { CID } from 'multiformats/cid';
import { NodeError } from './errors.js';
import { MAX_LAYER_FILES } from './layers.js';
import type { Block } from './car.js';

const MAX_DEPTH = 32;

export interface PushEntry {
  /** Relative to the folder, `/`-separated. */
  path: string;
  /** The file on disk (after links). */
  abs: string;
  type: 'file' | 'directory';
  size: number;
}

export interface PushProgress { files: number; bytes: number; path: string }

export interface BuiltDag {
  root: CID;
  /** Every block, in the order the importer wrote them (leaves before the nodes that link them). */
  blocks: Block[];
  files: number;
  /** File content bytes. */
  bytes: number;
  /** Bytes over all blocks (what a CAR of the DAG carries, less framing). */
  blockBytes: number;
  /** Entries left out, with why. */
  skipped: Array<{ path: string; why: string }>;
}

/** The entries of `dir` to push, in a stable order, and what was skipped. */
export async function pushEntries(dir: string): Promise<{ entries: PushEntry[]; skipped: BuiltDag['skipped'] }> {
  let root: string;
  try {
    root = await realpath(dir);
  } catch (e) {
    throw new NodeError('node/push-dir', `${dir} is not a folder: ${reason(e)}`, 'give the path of the image folder (etc/init.d/, bin/, ...), or none for the current folder');
  }
  if (!(await stat(root)).isDirectory()) throw new NodeError('node/push-dir', `${dir} is a file, not a folder`, 'push the folder that holds it');
  const entries: PushEntry[] = [];
  const skipped: BuiltDag['skipped'] = [];
  let files = 0;
  const walk = async (abs: string, rel: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH) throw new NodeError('node/push-dir', `${dir} nests folders deeper than ${MAX_DEPTH}`, 'a node loads no deeper image');
    let names: string[];
    try { names = (await readdir(abs)).sort(); } catch (e) {
      throw new NodeError('node/push-dir', `cannot read the folder ${abs}: ${reason(e)}`, 'fix its permissions, or move it out of the image');
    }
    for (const name of names) {
      const full = join(abs, name);
      const path = rel ? `${rel}/${name}` : name;
      let real: string;
      try { real = await realpath(full); } catch {
        skipped.push({ path, why: 'a link to nothing' });
        continue;
      }
      if (real !== root && !real.startsWith(root + sep)) { skipped.push({ path, why: 'a link out of the folder' }); continue; }
      const s = await stat(real);
      if (s.isDirectory()) {
        // A link back to the folder it is in, or above: walking it would never end.
        if (abs === real || abs.startsWith(real + sep)) { skipped.push({ path, why: 'a link to a folder above it' }); continue; }
        entries.push({ path, abs: real, type: 'directory', size: 0 });
        await walk(real, path, depth + 1);
      } else if (s.isFile()) {
        if (++files > MAX_LAYER_FILES) throw new NodeError('node/push-dir', `${dir} holds more than ${MAX_LAYER_FILES} files, more than a node loads from one layer`, 'split the image into layers (ww run takes several)');
        try { await access(real, constants.R_OK); } catch (e) {
          throw new NodeError('node/push-dir', `cannot read ${full}: ${reason(e)}`, 'fix its permissions, or move it out of the image');
        }
        entries.push({ path, abs: real, type: 'file', size: s.size });
      } else {
        skipped.push({ path, why: 'not a regular file or folder' });
      }
    }
  };
  await walk(root, '', 0);
  return { entries, skipped };
}

/** Builds the UnixFS DAG of `dir` in memory. */
export async function buildDag(dir: string, progress?: (p: PushProgress) => void): Promise<BuiltDag> {
  const { entries, skipped } = await pushEntries(dir);
  const blocks = new Map<string, Block>();
  let blockBytes = 0;
  const store = {
    put(cid: CID, bytes: Uint8Array) {
      const k = cid.toString();
      if (!blocks.has(k)) { blocks.set(k, { cid, bytes }); blockBytes += bytes.length; }
      return cid;
    },
  };
  let files = 0, bytes = 0;
  async function* candidates(): AsyncIterable<ImportCandidate> {
    for (const e of entries) {
      if (e.type === 'directory') { yield { path: e.path }; continue; }
      files++; bytes += e.size;
      progress?.({ files, bytes, path: e.path });
      yield { path: e.path, content: readFile(e) };
    }
  }
  let root: CID | undefined;
  try {
    for await (const r of importer(candidates(), store as never, { profile: 'unixfs-v1-2025', cidVersion: 1, rawLeaves: true, wrapWithDirectory: true })) {
      // The wrapping folder, with path '', comes last.
      if (r.path === '' || r.path === undefined) root = r.cid;
    }
    // An empty folder: the importer wraps nothing, so the folder is built on its own.
    if (!root) for await (const r of importer([{ path: '' }], store as never, { profile: 'unixfs-v1-2025', cidVersion: 1, rawLeaves: true })) root = r.cid;
  } catch (e) {
    if (e instanceof NodeError) throw e;
    throw new NodeError('node/push-dir', `cannot add ${dir}: ${reason(e)}`, 'check that its files stay readable while ww push runs');
  }
  return { root: root!, blocks: [...blocks.values()], files, bytes, blockBytes, skipped };
}

/** A file's bytes; a read error names the file. */
async function* readFile(e: PushEntry): AsyncIterable<Uint8Array> {
  try {
    for await (const c of createReadStream(e.abs)) yield c as Uint8Array;
  } catch (err) {
    throw new NodeError('node/push-dir', `cannot read ${e.path}: ${reason(err)}`, 'fix its permissions, or move it out of the image');
  }
}

function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT') return 'no such file or folder';
  if (err?.code === 'EACCES') return 'permission denied';
  if (err?.code === 'ENOTDIR') return 'not a folder';
  return err?.code ?? err?.message ?? String(e);
}
