// Where a node's epochs come from (`ww run` flags): the admin server
// (`POST /epoch/advance`), an IPNS name that is polled (`--epoch-ipns`), or
// an Atom contract on chain (`--stem`). A source only reports; the node
// adopts (runtime/node/node.ts): it advances its Epoch, so every capability
// issued before fails `stale-epoch`, ends the old epoch's registrations,
// and, when the event names an image, loads it and re-runs init.d on it.

/** One new epoch, as a source saw it. */
export interface EpochEvent {
  /** Which source: `admin`, `ipns` or `chain` (Provenance.source). */
  source: string;
  /** Free text for the audit log (Provenance.reason). */
  reason: string;
  /**
   * The image of the new epoch, an IPFS path (`/ipfs/CID[/sub]`) merged
   * under the user's layers; null keeps the current image (an admin
   * advance revokes without changing code).
   */
  image: string | null;
}

export interface EpochSource {
  /** For logs: `ipns k51...`, `chain 0xabc... on http://127.0.0.1:8545`. */
  readonly name: string;
  /**
   * The image to boot from, read before the node's first epoch (a chain
   * source reads head(); an IPNS source resolves the name once), or null.
   */
  initial(signal?: AbortSignal): Promise<string | null>;
  /**
   * Starts watching. `adopt` is called once per new epoch, in order, and
   * is awaited before the next call; a source never calls it after stop().
   */
  start(adopt: (event: EpochEvent) => Promise<void>): void;
  stop(): Promise<void>;
}
