// A local folder as the list of entries `ww push` adds: every file and
// folder under it, with paths relative to it in `/` form, in a stable
// order (so the same folder gives the same CID on every machine).
// Symbolic links are followed to what they point at; a link that loops or
// dangles is an error naming it, since an image must not silently lose a
// file.
import { readdir, stat, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { NodeError } from './errors.js';

export interface LocalEntry {
  /** Relative to the folder, `/`-separated, without a leading `/`. */
  path: string;
  /** Absolute path on disk. */
  abs: string;
  type: 'file' | 'directory';
  size: number;
}

export async function localTree(dir: string): Promise<LocalEntry[]> {
  let root: string;
  try {
    root = await realpath(dir);
    if (!(await stat(root)).isDirectory()) throw new Error('not a folder');
  } catch (e) {
    throw new NodeError('node/layer', `${dir} is not a readable folder: ${(e as Error).message}`, 'give the path of a folder');
  }
  const out: LocalEntry[] = [];
  const seen = new Set<string>([root]);
  const walk = async (abs: string, rel: string): Promise<void> => {
    const names = (await readdir(abs)).sort();
    for (const name of names) {
      const a = join(abs, name);
      const r = rel ? `${rel}/${name}` : name;
      let st;
      try { st = await stat(a); } catch (e) {
        throw new NodeError('node/layer', `${a} cannot be read: ${(e as Error).message}`, 'remove the broken link or fix its permissions');
      }
      if (st.isDirectory()) {
        const real = await realpath(a);
        if (seen.has(real)) throw new NodeError('node/layer', `${a} links back into a folder above it`, 'remove the looping symbolic link');
        seen.add(real);
        out.push({ path: r, abs: a, type: 'directory', size: 0 });
        await walk(a, r);
        seen.delete(real);
      } else if (st.isFile()) {
        out.push({ path: r, abs: a, type: 'file', size: st.size });
      }
    }
  };
  await walk(root, '');
  return out;
}
