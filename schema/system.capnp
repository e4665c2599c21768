@0xe33f2d17d8258f59;
# The node's own capabilities: the libp2p host and its listeners and
# dialers, the WebAssembly runtime and the processes it runs, byte
# streams, and IPFS. Grafted as `host`, `runtime` and `ipfs`; the others
# are reached through them. Every one is guarded by the epoch of the graft
# it came from, and so is everything obtained through it.

using Membrane = import "membrane.capnp";
using Routing = import "routing.capnp";
using State = import "state.capnp";

interface Host {
  # This libp2p node: who it is, where it listens, whom it knows, and the
  # network endpoints for serving and dialing. Glia layers conveniences on
  # it: `(perform host :listen cell "/prefix")` is HttpListener.listen,
  # `(perform host :listen-stream cell "proto")` is StreamListener.listen
  # and `(perform host :serve-vat cap "name")` is VatListener.serve, each
  # through network().

  id @0 () -> (peerId :Text);
  # Returns this node's libp2p peer id, as a string (`12D3KooW...`).

  addrs @1 () -> (addrs :List(Text));
  # Returns the multiaddrs this node listens on, as strings.

  peers @2 () -> (peers :List(Routing.PeerInfo));
  # Returns the peers this node is connected to now, with their addresses.

  network @3 () -> (streamListener :StreamListener,
                    streamDialer :StreamDialer,
                    vatListener :VatListener,
                    vatClient :VatClient,
                    httpListener :HttpListener);
  # Returns the endpoints for serving and reaching others: raw byte streams
  # and Cap'n Proto vats over libp2p, and HTTP (WAGI) on port 2080. Attenuate
  # the Host to keep a holder off the network.

  stateRef @4 (name :Text) -> (ref :State.StateRef);
  # Returns the node's StateRef named `name` (state.capnp), creating it
  # empty the first time. The same name gives the same ref, with the same
  # head, to every caller on this node, across grafts and restarts (its
  # head is kept in the node's datastore). A name is one segment, as for
  # vats: not empty, no `/`, no spaces or control characters, at most 128
  # bytes (else `node/bad-name`).
}

interface Runtime {
  # Loads WebAssembly components (WASI 0.2) so that they can be run as
  # cells. Glia layers `(perform runtime :run wasm & opts)` on it: load,
  # spawn and wait in one step.

  load @0 (wasm :Data) -> (executor :Executor);
  # Compiles the component in `wasm`, or finds it already compiled in the
  # cache (keyed by CID), and returns an Executor that spawns it. Fails
  # with a structured error if the bytes are not a valid component or it
  # imports something the node does not supply.
}

interface Executor {
  # One loaded component, ready to be run. Spawning only instantiates it;
  # it never compiles again. Handing out an Executor delegates the authority
  # to run this one component and nothing else.

  spawn @0 (args :List(Text), env :List(Text), caps :List(Membrane.Export),
            limits :Limits) -> (process :Process);
  # Starts a new cell from this component and returns it at once, running.
  # `args` are its arguments after the program name (the cell sees the
  # component's CID as argv[0]). `env` holds `KEY=VALUE` strings, and the
  # cell sees no other environment; `WW_CELL_MODE` in it selects how stdio
  # is wired: `vat` (Cap'n Proto), `raw` (bytes), `http` (WAGI) or unset
  # (pid0: stdio carries the cell's membrane). `caps` are the cell's grants:
  # its membrane grafts exactly these, and the cell has no other authority.
  # `limits` bound what it may consume.

  cid @1 () -> (cid :Text);
  # Returns the CID of the component's bytes (CIDv1, raw, sha2-256), the
  # same key Routing.hash gives for them.
}

struct Limits {
  # Resource limits for one cell. Zero means the node's default. A value
  # above the node's ceiling is lowered to the ceiling, so no cell runs
  # unbounded. A cell that exceeds a limit is killed without harming the
  # node.

  wallClockMs @0 :UInt64;
  # How long the cell may live, in milliseconds of wall-clock time.

  cpuMs @1 :UInt64;
  # How much CPU time the cell may use, in milliseconds.

  memoryBytes @2 :UInt64;
  # The most linear memory the cell may hold, in bytes.

  outputBytes @3 :UInt64;
  # The most the cell may write to stdout and stderr together, in bytes.
}

interface Process {
  # A running (or finished) cell.

  stdin @0 () -> (stream :ByteStream);
  # Returns the cell's standard input, to write to; closing it gives the
  # cell end-of-file. Every call returns the same stream. Fails in the
  # pid0 and vat modes, where stdio carries Cap'n Proto.

  stdout @1 () -> (stream :ByteStream);
  # Returns the cell's standard output, to read from. Every call returns
  # the same stream. Fails in the pid0 and vat modes, where stdio carries
  # Cap'n Proto.

  stderr @2 () -> (stream :ByteStream);
  # Returns the cell's standard error, to read from, in every mode. Every
  # call returns the same stream.

  wait @3 () -> (exitCode :Int32);
  # Waits until the cell has ended and returns its exit code when it exits.
  # When it was stopped instead (a limit, a trap, kill()), fails with the
  # cell error, its type first in the reason (`cell/timeout: ...`,
  # `cell/memory`, `cell/output-limit`, `cell/trap`, `cell/killed`), which
  # Glia sees as an error of that type.

  bootstrap @4 () -> (cap :Capability);
  # Returns the capability the cell exports over its stdio in the pid0 and
  # vat modes. Calls made on it before the cell is ready wait for it.
  # Fails in the raw and http modes, or if the cell exports nothing.

  kill @5 ();
  # Stops the cell at once. Pending reads see end-of-file and wait()
  # fails with `cell/killed`. Killing a cell that has ended does nothing.
}

interface ByteStream {
  # One end of a byte stream: a cell's stdio, or a libp2p stream. Each
  # stream allows reading, writing or both, as the method that returned it
  # says; the other direction fails.

  read @0 (maxBytes :UInt32) -> (data :Data, eof :Bool);
  # Waits for data and returns between 1 and `maxBytes` bytes of it. `eof`
  # is true when no data will follow what is returned (which may then be
  # empty). `maxBytes` above the node's frame limit is lowered to it.

  write @1 (data :Data);
  # Writes all of `data`. Returns once the stream has taken it, so a slow
  # reader slows the writer down. Fails after close().

  close @2 ();
  # Closes the stream for writing: the other side reads end-of-file once it
  # has read everything written before. For a read-only stream it discards
  # what is unread. Closing twice does nothing.
}

struct CellSpec {
  # How a listener starts a cell for each connection or request: a loaded
  # component and what to spawn it with (see Executor.spawn). Glia's
  # `(cell wasm grants)` value becomes one of these. The listener sets
  # `WW_CELL_MODE` itself.

  executor @0 :Executor;
  # The component to run. Passing it delegates the authority to spawn it.
  # May be null when `wasm` holds the component instead.

  args @1 :List(Text);
  # The cell's arguments after the program name.

  env @2 :List(Text);
  # The cell's environment, as `KEY=VALUE` strings.

  caps @3 :List(Membrane.Export);
  # The cell's grants: its membrane grafts exactly these.

  limits @4 :Limits;
  # The resource limits of each cell started.

  wasm @5 :Data;
  # The component's bytes, for a spec with no `executor`: the listener
  # loads them with its own node's Runtime (cached by CID), so serving a
  # cell needs no Runtime capability of the caller's. Ignored when
  # `executor` is set.
}

interface StreamListener {
  # Serves raw byte-stream protocols over libp2p.

  listen @0 (cell :CellSpec, protocol :Text) -> (registration :Registration);
  # Accepts libp2p streams for the protocol `/ww/0.1.0/stream/<protocol>`.
  # Each incoming stream starts a fresh cell in the raw mode with the
  # stream wired to its stdin and stdout. Fails if the protocol is taken.
}

interface StreamDialer {
  # Opens raw byte streams to other nodes.

  dial @0 (peerId :Text, protocol :Text) -> (stream :ByteStream);
  # Opens a stream to `peerId` on `/ww/0.1.0/stream/<protocol>` and returns
  # it, for reading and writing. close() ends the writing side only.
}

interface VatListener {
  # Serves capabilities to other nodes as Cap'n Proto vats over libp2p.

  listen @0 (cell :CellSpec, name :Text) -> (registration :Registration);
  # Accepts connections for the protocol `/ww/0.1.0/vat/<name>`. Each one
  # starts a fresh cell in the vat mode, and the dialer receives the
  # capability the cell exports as its bootstrap. Fails if the name is
  # taken.

  serve @1 (cap :Capability, name :Text, interfaceId :UInt64)
        -> (registration :Registration);
  # Offers `cap` as the bootstrap capability to every connection on
  # `/ww/0.1.0/vat/<name>`. Any attenuation on `cap` holds on the remote
  # side, which cannot unwrap it. `interfaceId` is the interface `cap`
  # implements (zero when unknown); the bootstrap also answers
  # Typed.interfaceId with it, so a dialer can call `cap` by method name.
  # The capability is guarded by the epoch the registration was made in.
  # Fails if the name is taken.
}

interface VatClient {
  # Reaches capabilities that other nodes serve.

  dial @0 (peerId :Text, name :Text) -> (cap :Capability, interfaceId :UInt64);
  # Connects to `peerId` on `/ww/0.1.0/vat/<name>` and returns the
  # bootstrap capability served there, with the interface it implements
  # (from Typed.interfaceId, or GliaCap when it answers GliaCap.describe;
  # zero when unknown). Finds the peer's addresses in the peerstore, then
  # the DHT, and gives up after 30 seconds. If the connection drops, every
  # pending and later call on it fails with a disconnected error; dial
  # again.
}

interface Typed {
  # Answered by the bootstrap capability of every vat a Wetware node serves
  # (VatListener.serve), beside the methods of the capability itself: Cap'n
  # Proto carries no type with a capability, and a dialer needs the
  # interface to call it by method name.

  interfaceId @0 () -> (id :UInt64);
  # The Cap'n Proto id of the interface the served capability implements;
  # zero when its server did not say.
}

interface HttpListener {
  # Serves HTTP through WAGI on port 2080.

  listen @0 (cell :CellSpec, prefix :Text) -> (registration :Registration);
  # Routes each request whose path starts with `prefix` (such as
  # `/status`) to a fresh cell in the http mode, which gets the request the
  # CGI way (environment and stdin) and writes its response to stdout. The
  # longest matching prefix wins. Fails if the prefix is taken.
}

interface Registration {
  # A listener that was set up. It stays in place until cancel() is called
  # or the epoch it was made in ends. Releasing the Registration does not
  # end it, so a script may drop it.

  cancel @0 ();
  # Stops accepting new connections or requests. Cells already running
  # continue until they end. Cancelling twice does nothing.
}

interface Ipfs {
  # Content-addressed files: the node's embedded IPFS (Helia), or Kubo
  # when the node was started with `--ipfs-url`. Grafted as `ipfs`.

  read @0 (path :Text) -> (data :Data);
  # Returns the bytes of the file at `path`: `/ipfs/<cid>/sub/path`,
  # `/ipns/<name>/sub/path` or a bare CID. Fails if the path is a directory
  # or the file is larger than the node's message limit.

  add @1 (data :Data) -> (cid :Text);
  # Stores `data` as a file (UnixFS, CIDv1), pins it and returns its CID.
}
