// The reference count of a hook that owns something (a policy wrapper owns
// a reference to what it wraps; a dialed vat's capability owns its
// connection). Every holder that keeps the hook takes a reference of its
// own with dup() and drops it with close(); the last close releases what
// the hook owns, exactly once.
//
// Capabilities in a message's cap table are lent, not given: whoever keeps
// one dups it (an export table entry, a server keeping a param), and the
// message itself never closes anything. So a hook made only to be put in a
// message (a call's results) starts *floating*: nobody holds its first
// reference yet, and the first dup() takes that reference over instead of
// adding one. Its first keeper then owns it alone, and that keeper's
// release is the last. Closing a floating hook without a dup (a local
// caller dropping the results it was given) releases it.
export class RefCount {
  private refs = 1;
  private floating: boolean;

  constructor(private readonly onLastRelease: () => void, opts: { floating?: boolean } = {}) {
    this.floating = opts.floating ?? false;
  }

  get released(): boolean { return this.refs === 0; }

  /** One more reference, or the floating one taken over. Nothing once released: a dead reference stays dead. */
  dup(): void {
    if (this.refs === 0) return;
    if (this.floating) { this.floating = false; return; }
    this.refs++;
  }

  /** Drops one reference; the last runs `onLastRelease`. A close past the last is ignored, so it never runs twice. */
  close(): void {
    if (this.refs === 0) return;
    this.floating = false;
    if (--this.refs === 0) this.onLastRelease();
  }
}
