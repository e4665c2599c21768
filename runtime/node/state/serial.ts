// One queue per key: `run(key, f)` starts f once every earlier run for the
// same key has settled. What a StateRef's compareAndSet needs to be atomic
// within the node (the node is the ref's single point of consistency):
// its read of the head and its write of the new one never interleave with
// another's. Keys with nothing queued take no memory.
export class Serial {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, f: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(f, f);
    const tail = next.then(() => {}, () => {});
    this.tails.set(key, tail);
    void tail.then(() => { if (this.tails.get(key) === tail) this.tails.delete(key); });
    return next;
  }
}
