// Loading cells: bytes -> CID -> an Executor that spawns them. The
// in-memory half of the cache lives here (compiled WebAssembly.Module
// objects by CID, shared with every worker without recompiling); the
// on-disk half is cache.ts. So a spawn only instantiates.
//
// This is what the Runtime capability (`Runtime.load(wasm) -> Executor`)
// will serve once the membrane is back: the capability server is a thin
// wrapper over load() and Executor.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cidOf } from './cid.js';
import { DiskCache } from './cache.js';
import { CellError } from './errors.js';
import { MAX_COMPONENT_BYTES } from './limits.js';
import { Executor, type CellObserver, type CompiledCell } from './executor.js';
import { checkHeader, type CellArtifacts } from './translate.js';
import { Translator } from './translator.js';
import { WorkerPool } from './worker-pool.js';
import { CellWorkers } from './cell-workers.js';

export interface CellRuntimeOptions {
  /** Root of the on-disk cache (default: $WW_CACHE_DIR or ~/.ww/cache). */
  cacheDir?: string;
  /**
   * Fresh workers to keep booted (default 1). With 0, nothing is booted
   * ahead and loads prime no worker: right for a process that runs one
   * cell and exits.
   */
  warmWorkers?: number;
  /** Told of every spawn and every cell stopped by an error (the node counts them). */
  observer?: CellObserver;
  /**
   * Idle workers instantiate their cell's next instance ahead of its spawn
   * (default true; see worker.ts, "ready instances"). Off, every spawn
   * instantiates: the benchmark's "before".
   */
  preinstantiate?: boolean;
}

/** What the caches did; the tests count compilations with it. */
export interface CellCacheStats {
  /** Components translated (jco transpile + memory guard): disk misses. */
  translations: number;
  /** Core modules compiled with WebAssembly.compile. */
  compiles: number;
  memoryHits: number;
  diskHits: number;
  /** Disk entries found damaged and rebuilt. */
  corrupt: number;
}

export class CellRuntime {
  readonly stats: CellCacheStats = { translations: 0, compiles: 0, memoryHits: 0, diskHits: 0, corrupt: 0 };
  readonly pool: WorkerPool;
  private readonly disk: DiskCache;
  private readonly loaded = new Map<string, Promise<CompiledCell>>();
  private readonly warm: boolean;
  private readonly translator = new Translator();
  private readonly observer: CellObserver | undefined;
  private readonly preinstantiate: boolean;

  constructor(opts: CellRuntimeOptions = {}) {
    this.observer = opts.observer;
    this.preinstantiate = opts.preinstantiate ?? true;
    this.disk = new DiskCache(opts.cacheDir);
    this.pool = new WorkerPool(opts.warmWorkers ?? 1);
    this.warm = (opts.warmWorkers ?? 1) > 0;
  }

  /** Loads a component: checks, translates and compiles it once per CID. `name` becomes argv[0]. */
  async load(wasm: Uint8Array, name?: string): Promise<Executor> {
    if (!(wasm instanceof Uint8Array)) throw new CellError('cell/invalid', 'a cell is loaded from bytes');
    if (wasm.length > MAX_COMPONENT_BYTES) {
      throw new CellError('cell/invalid', `the component is ${wasm.length} bytes; a cell is at most ${MAX_COMPONENT_BYTES} bytes (64 MiB)`);
    }
    const cid = cidOf(wasm);
    let p = this.loaded.get(cid);
    if (p) this.stats.memoryHits++;
    else {
      p = this.compile(cid, wasm);
      this.loaded.set(cid, p);
      p.catch(() => this.loaded.delete(cid));
    }
    const cell = await p;
    if (this.warm) { this.pool.fill(); cell.workers.prime(); }
    return new Executor(cell, name ?? cid, this.observer);
  }

  /** Ends every idle worker. Running cells finish on their own. */
  async close(): Promise<void> {
    const cells = await Promise.allSettled([...this.loaded.values()]);
    await Promise.all(cells.map((c) => c.status === 'fulfilled' ? c.value.workers.close() : undefined));
    await this.pool.close();
    await this.translator.close();
  }

  private async compile(cid: string, wasm: Uint8Array): Promise<CompiledCell> {
    // Garbage and core modules are refused here, before any thread is started for them.
    checkHeader(wasm);
    const read = await this.disk.read(cid);
    let artifacts: CellArtifacts;
    let gluePath: string;
    if (read.kind === 'hit') {
      this.stats.diskHits++;
      ({ artifacts, gluePath } = read);
    } else {
      if (read.kind === 'corrupt') this.stats.corrupt++;
      artifacts = await this.translator.translate(wasm);
      this.stats.translations++;
      gluePath = await this.disk.write(cid, artifacts).catch(() =>
        // An unwritable cache costs a translation per process, not the cell.
        new DiskCache(join(tmpdir(), `ww-cell-cache-${process.getuid?.() ?? 'user'}`)).write(cid, artifacts));
    }
    const cores = [];
    for (const c of artifacts.cores) {
      let module: WebAssembly.Module;
      try {
        module = await WebAssembly.compile(c.bytes);
      } catch (e) {
        throw new CellError('cell/invalid', `core module ${c.file} does not compile: ${(e as Error).message}`);
      }
      this.stats.compiles++;
      cores.push({ file: c.file, module, memories: c.memories });
    }
    const code = { gluePath, entry: artifacts.entry, importKeys: artifacts.importKeys, cores };
    return { cid, ...code, workers: new CellWorkers(this.pool, code, this.preinstantiate) };
  }
}
