// How a node adopts a new epoch a source reported (source.ts), one at a
// time and in the order they came:
//   1. when the event names an image, load it (merged under the user's
//      layers); if that fails, the old epoch stays and the failure is one
//      coded log line (node/epoch);
//   2. advance the Epoch, with the head schema/membrane.capnp defines
//      (epoch-head.ts): from here every capability issued before fails
//      `stale-epoch`, and the old epoch's WAGI routes stop serving;
//   3. start init.d again on the (new or same) image, so its routes are
//      registered again under the new epoch, and stop the old scripts: a
//      script whose top level still runs gets a short grace to see
//      `stale-epoch` and end by itself, then its worker is terminated.
// The adoption is complete once the new scripts have each ended or
// settled into the background, as at boot.
import { epochHead } from '../../membrane/epoch-head.js';
import type { Epoch, EpochInfo } from '../../membrane/epoch.js';
import { NodeError } from '../errors.js';
import type { Image } from '../image.js';
import type { Logger } from '../log.js';
import type { EpochEvent } from './source.js';

/** How long an old init.d script that still runs may take to end by itself after an advance. */
export const OLD_SCRIPT_GRACE_MS = 3000;

export interface AdoptionHost {
  readonly epoch: Epoch;
  readonly log: Logger;
  /** The node's image with `epochImage` merged under the user's layers. */
  loadImage(epochImage: string): Promise<Image>;
  /** Makes `image` the node's image (with the epoch image it came from, if it changed). */
  setImage(image: Image, epochImage: string | null): void;
  /** Starts init.d on `image`; resolves once each script has ended or settled. */
  startInit(image: Image): Promise<void>;
  /** Stops the init.d scripts that were running, giving running ones `graceMs`. */
  stopInit(graceMs: number): Promise<void>;
  /** The image the node runs now. */
  currentImage(): Image;
}

export class EpochAdopter {
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly host: AdoptionHost) {}

  /**
   * Adopts `event` after every adoption asked for before it. Resolves with
   * the new epoch, or null when it was not adopted (logged); never rejects.
   */
  adopt(event: EpochEvent): Promise<EpochInfo | null> {
    const run = this.tail.then(() => this.adoptNow(event));
    this.tail = run;
    return run;
  }

  /** The node is stopping: adoptions not yet past their image load do nothing. */
  close(): void { this.closed = true; }

  private async adoptNow(event: EpochEvent): Promise<EpochInfo | null> {
    const { host } = this;
    const log = host.log;
    const t0 = performance.now();
    if (this.closed) return null;
    try {
      let image = host.currentImage();
      if (event.image !== null) {
        try { image = await host.loadImage(event.image); }
        catch (e) {
          const err = e instanceof NodeError ? e : new NodeError('node/ipfs', String((e as Error)?.message ?? e));
          log.error(`epoch from ${event.source} not adopted: its image ${event.image} did not load: error[${err.code}]: ${err.message}; epoch ${host.epoch.seq} stays`,
            { code: 'node/epoch', cause: err.code, source: event.source, image: event.image, ...(err.hint ? { hint: err.hint } : {}) });
          return null;
        }
      }
      if (this.closed) return null;
      const now = host.epoch.current;
      const at = Date.now();
      const seq = now.seq + 1n;
      const head = epochHead({ seq, previousHead: now.head, source: event.source, reason: event.reason, adoptedAtMs: at });
      const info = host.epoch.advance(head, event.reason, event.source, at);
      if (event.image !== null) host.setImage(image, event.image);

      // The old scripts wind down beside the new ones: they hold only stale capabilities now.
      void host.stopInit(OLD_SCRIPT_GRACE_MS).catch((e) => log.warn(`stopping the old epoch's init.d: ${(e as Error).message}`));
      log.info(`epoch ${seq} adopted from ${event.source}: ${event.reason || '(no reason given)'}; image ${event.image ?? 'unchanged'}`,
        { epoch_seq: seq.toString(), epoch_head: head, previous_head: now.head, epoch_source: event.source, epoch_reason: event.reason, epoch_image: event.image });
      await host.startInit(image).catch((e) => log.error(`init.d: ${(e as Error).message}`, { code: 'node/init' }));
      log.info(`epoch ${seq}: init.d started again in ${Math.round(performance.now() - t0)} ms`, { epoch_seq: seq.toString() });
      return info;
    } catch (e) {
      // Nothing above should throw; if it does, the node still runs.
      log.error(`epoch from ${event.source} not adopted: ${(e as Error)?.message ?? e}`, { code: 'node/epoch', source: event.source });
      return null;
    }
  }
}
