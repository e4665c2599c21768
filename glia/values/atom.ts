// Atoms: the one mutable reference type. Watches and validators are not in
// the contract; swap! applies a pure function, so no retry loop is needed
// on a single-threaded engine.
export class Atom {
  constructor(public value: any) {}
}
