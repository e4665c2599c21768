// The on-disk half of the cell cache: translated artifacts by CID, under
// `$WW_CACHE_DIR` or `~/.ww/cache`. (V8 in Node 20 cannot serialize
// compiled machine code, so what is kept is the expensive part before it:
// jco's glue and the guarded core modules. WebAssembly.compile runs once
// per process per CID; the in-memory half is in runtime.ts.)
//
// An entry is a directory written whole and renamed into place, with a
// manifest holding the sha256 of every file. Reading checks every hash; a
// missing, truncated or altered entry is reported as corrupt, never used,
// and the caller rebuilds it. The directory name carries the translation
// version and the jco version, so an upgrade never reads old output.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { isRawSha256Cid } from './cid.js';
import type { CellArtifacts, CoreModule } from './translate.js';
import { TRANSLATION_VERSION } from './translate.js';
import type { GuardedMemory } from './wasm/memory-guard.js';

const GLUE_FILE = 'glue.mjs';
const MANIFEST = 'manifest.json';

export function defaultCacheDir(): string {
  return process.env.WW_CACHE_DIR || join(homedir(), '.ww', 'cache');
}

let toolchain: string | undefined;
/** The part of the cache path that changes when translation output could. */
export function toolchainKey(): string {
  if (toolchain) return toolchain;
  const req = createRequire(import.meta.url);
  const pkg = JSON.parse(readFileSync(join(dirname(req.resolve('@bytecodealliance/jco')), '..', 'package.json'), 'utf8'));
  return (toolchain = `t${TRANSLATION_VERSION}-jco${pkg.version}`);
}

interface Manifest {
  cid: string;
  entry: string;
  importKeys: string[];
  glue: { file: string; sha256: string };
  cores: Array<{ file: string; sha256: string; memories: GuardedMemory[] }>;
}

export type CacheRead =
  | { kind: 'hit'; artifacts: CellArtifacts; gluePath: string }
  | { kind: 'miss' }
  | { kind: 'corrupt'; reason: string };

export class DiskCache {
  constructor(readonly root: string = defaultCacheDir()) {}

  entryDir(cid: string): string {
    if (!isRawSha256Cid(cid)) throw new Error(`not a cell CID: ${cid}`);
    return join(this.root, 'cells', toolchainKey(), cid);
  }

  async read(cid: string): Promise<CacheRead> {
    const dir = this.entryDir(cid);
    let text: string;
    try { text = await readFile(join(dir, MANIFEST), 'utf8'); }
    catch (e: any) { return e?.code === 'ENOENT' ? { kind: 'miss' } : { kind: 'corrupt', reason: `manifest: ${e?.code ?? e}` }; }
    try {
      const m = JSON.parse(text) as Manifest;
      if (m.cid !== cid || typeof m.entry !== 'string' || !Array.isArray(m.importKeys) || !Array.isArray(m.cores) || !m.glue) {
        return { kind: 'corrupt', reason: 'manifest has the wrong shape' };
      }
      const checked = async (file: string, sha256: string): Promise<Uint8Array> => {
        if (file.includes('/') || file.includes('\\') || file.startsWith('.')) throw new Error(`bad file name ${file}`);
        const bytes = new Uint8Array(await readFile(join(dir, file)));
        if (sha256hex(bytes) !== sha256) throw new Error(`${file} does not match its hash`);
        return bytes;
      };
      const glue = new TextDecoder().decode(await checked(m.glue.file, m.glue.sha256));
      const cores: CoreModule[] = [];
      for (const c of m.cores) cores.push({ file: c.file, bytes: await checked(c.file, c.sha256), memories: c.memories });
      return { kind: 'hit', artifacts: { glue, cores, importKeys: m.importKeys, entry: m.entry }, gluePath: join(dir, m.glue.file) };
    } catch (e) {
      return { kind: 'corrupt', reason: (e as Error).message };
    }
  }

  /** Writes an entry (replacing a corrupt one) and returns the path of its glue module. */
  async write(cid: string, a: CellArtifacts): Promise<string> {
    const dir = this.entryDir(cid);
    const parent = dirname(dir);
    await mkdir(parent, { recursive: true });
    const tmp = join(parent, `.tmp-${cid}-${randomBytes(6).toString('hex')}`);
    await mkdir(tmp);
    try {
      const glueBytes = new TextEncoder().encode(a.glue);
      await writeFile(join(tmp, GLUE_FILE), glueBytes);
      for (const c of a.cores) await writeFile(join(tmp, c.file), c.bytes);
      const manifest: Manifest = {
        cid, entry: a.entry, importKeys: a.importKeys,
        glue: { file: GLUE_FILE, sha256: sha256hex(glueBytes) },
        cores: a.cores.map((c) => ({ file: c.file, sha256: sha256hex(c.bytes), memories: c.memories })),
      };
      // The manifest goes last: an entry without one reads as a miss.
      await writeFile(join(tmp, MANIFEST), JSON.stringify(manifest, null, 1));
      await rm(dir, { recursive: true, force: true });
      try {
        await rename(tmp, dir);
      } catch (e: any) {
        // Another process wrote the same entry first; theirs is as good as ours.
        if (e?.code !== 'ENOTEMPTY' && e?.code !== 'EEXIST') throw e;
        await rm(tmp, { recursive: true, force: true });
      }
    } catch (e) {
      await rm(tmp, { recursive: true, force: true });
      throw e;
    }
    return join(dir, GLUE_FILE);
  }
}

export function sha256hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
