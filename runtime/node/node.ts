// A Wetware node (`ww run`): one process that is a libp2p peer, an IPFS
// node, a cell host, a WAGI gateway and, when asked, an admin server. It
// boots in a fixed order: identity, repo and swarm, IPFS, the image from
// its layers, the HTTP servers, the membrane, then the init.d scripts of
// the image (which run beside the node and never hold up its boot).
// Everything it starts, stop() ends, in reverse.
import { dirname, join } from 'node:path';
import { homedir } from 'node:os';
import { Membrane, type ExportSpec } from '../membrane/membrane.js';
import { Epoch, type EpochInfo } from '../membrane/epoch.js';
import { toHook } from '../rpc/hooks.js';
import { CellRuntime } from '../cell/runtime.js';
import { runtimeServer } from '../cell/servers.js';
import { Host$Client, Runtime$Client, Ipfs$Client } from '../../schema/generated/system.js';
import { Routing$Client } from '../../schema/generated/routing.js';
import { Identity$Client } from '../../schema/generated/auth.js';
import { HttpClient$Client } from '../../schema/generated/http.js';
import { loadOrCreateIdentity, type Identity } from './identity.js';
import { createSwarm, type Swarm } from './swarm.js';
import { openRepo, openDatastore, createHeliaStore, type Repo } from './ipfs-helia.js';
import type { IpfsStore } from './ipfs.js';
import { mergeLayers, type LayerSource } from './layers.js';
import { stdImage, STD_IMAGE_NAME } from './std-image.js';
import type { Image } from './image.js';
import { WagiGateway } from './wagi.js';
import { AdminServer } from './admin.js';
import { NodeMetrics } from './metrics.js';
import { hostHook, type NetworkHooks } from './caps/host.js';
import { vatListenerServer } from './caps/vat-listener.js';
import { vatClientServer } from './caps/vat-client.js';
import { streamListenerServer } from './caps/stream-listener.js';
import { streamDialerServer } from './caps/stream-dialer.js';
import { P2pRegistry } from './p2p/registry.js';
import type { P2pContext } from './p2p/context.js';
import { httpListenerHook } from './caps/http-listener.js';
import { routingHook } from './caps/routing.js';
import { ipfsHook } from './caps/ipfs.js';
import { identityHook } from './caps/identity.js';
import { httpClientHook } from './caps/http-client.js';
import { StateRefs } from './caps/state-ref.js';
import { StateStore } from './state/store.js';
import { InitScripts } from './initd/runner.js';
import { writeHostState, removeHostState } from './host-state.js';
import { ControlServer, controlSocketPath } from './control.js';
import type { Logger } from './log.js';
import { Terminal } from './auth/terminal.js';
import { AuthorizedKeys, defaultAuthorizedKeysPath } from './auth/authorized-keys.js';
import { TERMINAL_PROTOCOL } from './p2p/protocols.js';
import { serveVat } from './p2p/vat-protocol.js';
import { NodeError } from './errors.js';
import { EpochAdopter } from './epochs/adopt.js';
import { IpnsEpochSource } from './epochs/ipns.js';
import type { StemOptions } from './epochs/chain-options.js';
import type { EpochEvent, EpochSource } from './epochs/source.js';

export const NODE_VERSION = '0.1.0';

export interface NodeOptions {
  /** Local folders, /ipfs/CID[/sub] or /ipns/NAME; none boots the std image. */
  layers: string[];
  listen: string[];
  bootstrap: string[];
  identityPath: string;
  /** HOST:PORT for WAGI; null for off. */
  httpListen: string | null;
  httpTimeoutMs: number;
  /** HOST:PORT for admin HTTP; null for off. */
  adminListen: string | null;
  /** Kubo's RPC URL instead of the embedded IPFS. */
  ipfsUrl: string | null;
  ipfsRepo: string;
  mdns: boolean;
  /** Hosts the http-client capability may reach; empty: no http-client. */
  httpDial: string[];
  hostStatePath: string | null;
  log: Logger;
  /** How long an /ipfs or /ipns layer may take to fetch (default 60 s). */
  layerTimeoutMs?: number;
  /** Cell cache (default $WW_CACHE_DIR or ~/.ww/cache). */
  cacheDir?: string;
  /** The most bytes one `ww push` through the control socket may carry (default 1 GiB). */
  maxPushBytes?: number;
  /** The keys besides the node's own that may log in through its Terminal (default: authorized_keys beside the identity file). */
  authorizedKeysPath?: string;
  /** An IPNS name whose image each new epoch boots (`--epoch-ipns`; `self` is the node's own); null or absent: none. */
  epochIpns?: string | null;
  /** How often the IPNS epoch source resolves its name (`--epoch-poll-ms`, default 30 s). */
  epochPollMs?: number;
  /** An Atom contract on chain whose head each new epoch boots (`--stem`, `--rpc-url`, `--ws-url`, `--confirmation-depth`); absent: none. */
  stem?: StemOptions;
}

export class WetwareNode {
  readonly epoch = new Epoch('', 'boot');
  private readonly stops: Array<[string, () => Promise<void> | void]> = [];
  private stopped: Promise<void> | null = null;
  identity!: Identity;
  swarm!: Swarm;
  ipfs!: IpfsStore;
  image!: Image;
  wagi: WagiGateway | null = null;
  admin: AdminServer | null = null;
  membrane!: Membrane;
  initScripts: InitScripts | null = null;
  /** The image path the current epoch brought (merged under the user's layers), or null. */
  epochImage: string | null = null;
  /** Where new epochs come from besides the admin server (IPNS, chain). */
  readonly epochSources: EpochSource[] = [];
  private readonly adopter: EpochAdopter;
  /** init.d runs of ended epochs, winding down. */
  private readonly oldInit = new Set<InitScripts>();
  private startInit!: (image: Image) => Promise<void>;
  private bootedResolve!: () => void;
  private readonly booted = new Promise<void>((r) => { this.bootedResolve = r; });
  readonly metrics: NodeMetrics;
  readonly cells: CellRuntime;
  /** The node's named StateRefs (Host.stateRef). */
  stateRefs!: StateRefs;

  private constructor(readonly opts: NodeOptions) {
    this.metrics = new NodeMetrics({ peers: () => this.swarm?.getPeers().length ?? 0 });
    this.cells = new CellRuntime({ observer: this.metrics.cells, ...(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}) });
    this.onStop('metrics', () => this.metrics.close());
    this.onStop('cells', () => this.cells.close());
    this.adopter = new EpochAdopter({
      epoch: this.epoch, log: opts.log,
      loadImage: (path) => this.loadImage(path),
      setImage: (image, path) => { this.image = image; this.epochImage = path; },
      startInit: (image) => this.startInit(image),
      stopInit: (graceMs) => {
        const old = this.initScripts;
        if (!old) return Promise.resolve();
        this.oldInit.add(old);
        return old.stop(graceMs).finally(() => this.oldInit.delete(old));
      },
      currentImage: () => this.image,
    });
  }

  /**
   * Adopts a new epoch (runtime/node/epochs/adopt.ts): loads its image if
   * it names one, advances the epoch (every capability issued before fails
   * stale-epoch) and runs init.d again. One at a time, in order. Resolves
   * with the new epoch, or null when it was not adopted (logged).
   */
  async adoptEpoch(event: EpochEvent): Promise<EpochInfo | null> {
    await this.booted;
    return this.adopter.adopt(event);
  }

  /** Boots a node. On failure, whatever had started is stopped again and the error is thrown. */
  static async start(opts: NodeOptions): Promise<WetwareNode> {
    const node = new WetwareNode(opts);
    try { await node.boot(); }
    catch (e) { await node.stop(); throw e; }
    return node;
  }

  get peerId(): string { return this.identity.peerId.toString(); }
  addrs(): string[] { return this.swarm.getMultiaddrs().map(String); }

  private onStop(what: string, f: () => Promise<void> | void): void { this.stops.push([what, f]); }

  private async boot(): Promise<void> {
    const { opts } = this;
    const log = opts.log;
    const t0 = performance.now();

    const { identity, created } = await loadOrCreateIdentity(opts.identityPath);
    this.identity = identity;
    if (created) log.info(`created a new identity at ${opts.identityPath}`, { peer_id: this.peerId });

    let repo: Repo | null = null;
    if (!opts.ipfsUrl) {
      repo = await openRepo(opts.ipfsRepo);
      this.onStop('repo', () => repo!.close());
    }
    // State refs keep their heads in the repo's datastore; with Kubo the
    // repo folder holds that datastore alone (the blocks go to Kubo).
    const stateDatastore = repo ? repo.datastore : await openDatastore(join(opts.ipfsRepo, 'datastore'));
    if (!repo) this.onStop('state datastore', () => stateDatastore.close());
    const swarmLog = { info: (m: string) => log.info(m), warn: (m: string) => log.warn(m) };
    this.swarm = await createSwarm({
      privateKey: identity.privateKey, listen: opts.listen, bootstrap: opts.bootstrap, mdns: opts.mdns,
      ...(repo ? { datastore: repo.datastore } : {}), log: swarmLog,
    });
    this.onStop('swarm', () => this.swarm.stop());

    if (opts.ipfsUrl) {
      const { createKuboStore } = await import('./ipfs-kubo.js');
      this.ipfs = await createKuboStore({ url: opts.ipfsUrl });
    } else {
      this.ipfs = await createHeliaStore({ swarm: this.swarm, blockstore: repo!.blockstore, datastore: repo!.datastore, privateKey: identity.privateKey, log: swarmLog });
    }
    this.onStop('ipfs', () => this.ipfs.stop());

    // Epoch sources: the image the first of them names is merged under the user's layers.
    if (opts.epochIpns) {
      this.epochSources.push(new IpnsEpochSource({
        // `self`: this node's own name, which its scripts publish with (perform routing :publish "self" path).
        name: /^(\/ipns\/)?self$/.test(opts.epochIpns) ? `/ipns/${this.peerId}` : opts.epochIpns,
        resolve: (name, signal) => this.ipfs.resolveName(name, { signal }), log,
        ...(opts.epochPollMs ? { pollMs: opts.epochPollMs } : {}),
        ...(opts.layerTimeoutMs ? { initialTimeoutMs: opts.layerTimeoutMs } : {}),
      }));
    }
    if (opts.stem) {
      // viem is loaded only by a node that follows a chain.
      const { createChainSource } = await import('./epochs/chain.js');
      this.epochSources.push(createChainSource({ ...opts.stem, log }));
    }
    this.onStop('epoch sources', () => Promise.all(this.epochSources.map((s) => s.stop())).then(() => {}));
    for (const source of this.epochSources) {
      const initial = await source.initial();
      this.epochImage ??= initial;
    }

    // The image: the layers as given (under them the epoch's image), or the std image.
    this.image = await this.loadImage(this.epochImage);

    // HTTP: WAGI and admin.
    if (opts.httpListen) {
      this.wagi = new WagiGateway({ timeoutMs: opts.httpTimeoutMs, observer: this.metrics.wagi });
      const a = await this.wagi.start(opts.httpListen);
      this.onStop('wagi', () => this.wagi!.close());
      log.info(`WAGI listening on http://${hostPort(a.address, a.port)}`, { http: hostPort(a.address, a.port) });
    }
    if (opts.adminListen) {
      this.admin = new AdminServer({
        metrics: this.metrics, peerId: () => this.peerId, addrs: () => this.addrs(),
        log: (level, line) => log[level](line),
        advanceEpoch: async (reason) => {
          const e = await this.adoptEpoch({ source: 'admin', reason, image: null });
          if (!e) throw new NodeError('node/epoch', 'the epoch was not adopted; the node\'s log says why');
          return { seq: Number(e.seq), head: e.head, previous_head: e.previousHead, source: e.source, reason: e.reason };
        },
      });
      const a = await this.admin.start(opts.adminListen);
      this.onStop('admin', () => this.admin!.close());
      log.info(`admin HTTP listening on http://${hostPort(a.address, a.port)}`, { admin: hostPort(a.address, a.port) });
    }

    // The membrane every init.d script (and later every login) grafts.
    this.stateRefs = new StateRefs(new StateStore(this.ipfs, stateDatastore));
    const httpListener = this.wagi ? httpListenerHook(this.wagi, this.cells, { epoch: this.epoch }) : null;
    // Vats and streams over libp2p (runtime/node/p2p): one registry of served names.
    const p2p: P2pContext = { node: this.swarm, registry: new P2pRegistry(this.swarm, this.epoch), epoch: this.epoch, runtime: this.cells, log: swarmLog, served: new Map() };
    this.onStop('p2p', () => p2p.registry.close());
    const network: NetworkHooks = {
      vatListener: toHook(vatListenerServer(p2p))!, vatClient: toHook(vatClientServer(p2p))!,
      streamListener: toHook(streamListenerServer(p2p))!, streamDialer: toHook(streamDialerServer(p2p))!,
    };
    const exports: ExportSpec[] = [
      { name: 'host', interfaceId: Host$Client.interfaceId, cap: hostHook({
        peerId: () => this.peerId,
        addrs: () => this.addrs(),
        peers: () => {
          // One entry per peer, with the address of each connection to it.
          const byPeer = new Map<string, string[]>();
          for (const c of this.swarm.getConnections()) {
            const id = c.remotePeer.toString();
            byPeer.set(id, [...(byPeer.get(id) ?? []), c.remoteAddr.toString()]);
          }
          return [...byPeer].map(([peerId, addrs]) => ({ peerId, addrs }));
        },
        httpListener: () => httpListener,
        network: () => network,
        stateRef: (name) => this.stateRefs.ref(name),
      }) },
      { name: 'runtime', interfaceId: Runtime$Client.interfaceId, cap: toHook(runtimeServer(this.cells))! },
      { name: 'routing', interfaceId: Routing$Client.interfaceId, cap: routingHook({ swarm: this.swarm, ipfs: this.ipfs, log: swarmLog }) },
      { name: 'ipfs', interfaceId: Ipfs$Client.interfaceId, cap: ipfsHook({ store: this.ipfs, resolve: (path, maxBytes) => this.readImage(path, maxBytes) }) },
      { name: 'identity', interfaceId: Identity$Client.interfaceId, cap: identityHook(identity.privateKey) },
    ];
    if (opts.httpDial.length) {
      exports.push({ name: 'http-client', interfaceId: HttpClient$Client.interfaceId, cap: httpClientHook({ allow: opts.httpDial }) });
    }
    this.membrane = new Membrane(() => exports, this.epoch);

    // The Terminal on /ww/0.1.0 (runtime/node/auth/): a signed login by the
    // node's key, or a key in authorized_keys, hands out this membrane.
    const authorizedKeys = opts.authorizedKeysPath ?? defaultAuthorizedKeysPath(opts.identityPath);
    const terminal = new Terminal({
      peerId: this.peerId, ownPublicKey: identity.privateKey.publicKey.raw, membrane: this.membrane, log,
      authorized: new AuthorizedKeys(authorizedKeys, log),
    });
    this.onStop('terminal', await serveVat(this.swarm, TERMINAL_PROTOCOL, () => terminal.hook()));
    log.info(`Terminal on ${TERMINAL_PROTOCOL}; keys besides the node's own in ${authorizedKeys}`, { authorized_keys: authorizedKeys });

    // The control socket beside the host-state file, opened before that file
    // names this node: `ww push` adds through it (runtime/node/control.ts).
    // Without it the node still runs; push then says so.
    if (opts.hostStatePath) {
      const control = new ControlServer({ socketPath: controlSocketPath(opts.hostStatePath), ipfs: this.ipfs, log: swarmLog,
        ...(opts.maxPushBytes ? { maxPushBytes: opts.maxPushBytes } : {}) });
      try {
        await control.start();
        this.onStop('control', () => control.close());
        log.info(`control socket at ${control.path}`, { control: control.path });
      } catch (e) { log.warn((e as Error).message); }
    }

    // The host-state file, rewritten when our addresses change.
    if (opts.hostStatePath) {
      const path = opts.hostStatePath;
      let last = '';
      const write = () => {
        const addrs = this.addrs();
        const key = addrs.join(' ');
        if (key === last) return;
        last = key;
        try { writeHostState(path, { pid: process.pid, peer_id: this.peerId, addrs, updated_at_unix_ms: Date.now() }); }
        catch (e) { log.warn((e as Error).message); }
      };
      write();
      const onUpdate = () => write();
      this.swarm.addEventListener('self:peer:update', onUpdate);
      this.onStop('host-state', () => { this.swarm.removeEventListener('self:peer:update', onUpdate); removeHostState(path); });
    }

    const bootMs = Math.round(performance.now() - t0);
    log.info(`node ${this.peerId} up in ${bootMs} ms`, { peer_id: this.peerId, addrs: this.addrs(), boot_ms: bootMs });

    // init.d: in order, beside the node; again on each new epoch.
    this.startInit = (image) => {
      const scripts = new InitScripts({ image, membrane: this.membrane, grants: exports.map((e) => e.name), log });
      this.initScripts = scripts;
      return scripts.start();
    };
    this.onStop('init.d', () => Promise.all([this.initScripts, ...this.oldInit].map((s) => s?.stop())).then(() => {}));
    const started = this.startInit(this.image);
    const scripts = this.initScripts!;
    void started.then(() => {
      const readyMs = Math.round(performance.now() - t0);
      log.info(`ready in ${readyMs} ms: init.d started (${[...scripts.states.values()].filter((s) => s === 'failed' || s === 'skipped').length} failed)`, { ready_ms: readyMs });
    }, (e) => log.error(`init.d: ${(e as Error).message}`));

    // New epochs: adopted one at a time (adoptEpoch waits for the boot).
    this.bootedResolve();
    for (const source of this.epochSources) {
      // A source that retries (IPNS) learns that an epoch was not adopted.
      source.start(async (event) => { if (!(await this.adoptEpoch(event))) throw new NodeError('node/epoch', `the epoch from ${source.name} was not adopted`); });
      log.info(`epoch source: ${source.name}`, { epoch_source: source.name });
    }
    this.onStop('epochs', () => this.adopter.close());
  }

  /** The image of the user's layers with `epochImage` merged under them; the std image when there is neither. */
  private async loadImage(epochImage: string | null): Promise<Image> {
    const { opts } = this;
    const layers = epochImage ? [epochImage, ...opts.layers] : opts.layers;
    const std = layers.length ? null : await stdImage();
    const image = await mergeLayers(std ? [std.layer] : layers, {
      ipfs: layerSource(this.ipfs),
      ...(opts.layerTimeoutMs ? { timeoutMs: opts.layerTimeoutMs } : {}),
      ...(std ? { extra: std.extra, missingHints: std.missingHints } : {}),
      exclude: { paths: this.ownFiles(), left: (layer, rel) => opts.log.warn(`layer ${layer}: left out ${rel}, the node's own ${rel.split('/').pop() === 'identity' ? 'private key' : 'state'}: an image is readable by every script and every holder of ipfs`) },
    });
    opts.log.info(`image: ${std ? STD_IMAGE_NAME : layers.join(' + ')} (${image.files.size} files, ${image.initScripts().length} init.d scripts)`);
    return image;
  }

  /**
   * The node's own files, which no image may hold (layers.ts): its key,
   * authorized_keys, IPFS repo, cell cache and host-state, and what ww keeps
   * beside the key (shell history, logs, run/).
   */
  private ownFiles(): string[] {
    const { opts } = this;
    const home = dirname(opts.identityPath);
    return [
      opts.identityPath, opts.authorizedKeysPath ?? defaultAuthorizedKeysPath(opts.identityPath), opts.ipfsRepo,
      ...(opts.cacheDir ? [opts.cacheDir] : []), ...(process.env.WW_CACHE_DIR ? [process.env.WW_CACHE_DIR] : []),
      ...(opts.hostStatePath ? [opts.hostStatePath, controlSocketPath(opts.hostStatePath)] : []),
      ...[home, join(homedir(), '.ww')].flatMap((h) => ['identity', 'authorized_keys', 'history', 'logs', 'run', 'cache', 'ipfs'].map((n) => join(h, n))),
    ];
  }

  /** A file of the image for Ipfs.read of a path that is not /ipfs or /ipns; null when the image has none. */
  private async readImage(path: string, maxBytes: number): Promise<Uint8Array | null> {
    return this.image.has(path) ? this.image.read(path, maxBytes) : null;
  }

  /** Stops everything that started, last first. Safe to call twice. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      for (const [what, f] of this.stops.reverse()) {
        try { await f(); } catch (e) { this.opts.log.warn(`stopping ${what}: ${(e as Error).message}`); }
      }
    })();
    return this.stopped;
  }
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The IPFS store as the layer loader walks it: every file under a path, recursively. */
function layerSource(ipfs: IpfsStore): LayerSource {
  return {
    async *walk(path, signal) {
      const root = path.replace(/\/+$/, '');
      const stack: string[] = [''];
      while (stack.length) {
        const rel = stack.pop()!;
        const entries = await ipfs.ls(rel ? `${root}/${rel}` : root, signal ? { signal } : {});
        for (const e of entries) {
          const p = rel ? `${rel}/${e.name}` : e.name;
          if (e.type === 'directory') stack.push(p);
          else yield { path: p, cid: e.cid, size: e.size };
        }
      }
    },
    resolveName: (name, signal) => ipfs.resolveName(name, signal ? { signal } : {}),
    read: (cid, maxBytes) => ipfs.cat(cid, { maxBytes }),
  };
}
