@0xcb355948b011a37a;
# Content routing and naming: the Kademlia DHT and IPNS, as seen by a
# session. Grafted as `routing`. Like every grafted capability it is
# guarded by its epoch.

interface Routing {
  # Finds who has content and what a name points to, and announces what
  # this node has.

  provide @0 (key :Text);
  # Announces on the DHT that this node provides `key` (a CID string, for
  # example one returned by hash()). Returns once the DHT has taken the
  # announcement.

  findProviders @1 (key :Text, sink :ProviderSink);
  # Searches the DHT for peers that provide `key` (a CID string) and
  # streams each one into `sink` as it is found, then calls `sink.done()`.
  # The call returns when the search has finished. Cancelling the call, or
  # a `provider` call on the sink failing, stops the search. In Glia,
  # `(perform routing :find-providers key)` with no sink returns a lazy
  # sequence of PeerInfo maps instead.

  hash @2 (data :Data) -> (key :Text);
  # Returns the key under which `data` is stored and provided: its CIDv1
  # (raw codec, sha2-256) as a string. Pure; it contacts nobody.

  resolve @3 (name :Text) -> (path :Text);
  # Resolves an IPNS name (`/ipns/<name>` or the bare name) to the path it
  # currently points to, such as `/ipfs/<cid>/dir`. Fails with a
  # not-found error if nobody has published the name.

  publish @4 (name :Text, path :Text);
  # Points the IPNS name `name` at `path` (`/ipfs/<cid>...`) and announces
  # the record. `name` must be a key this node holds: `self` is the node's
  # own identity, whose IPNS name is its peer id.
}

interface ProviderSink {
  # Receives the results of findProviders, one call per provider. The
  # caller of findProviders implements it.

  provider @0 (info :PeerInfo);
  # Called once for each provider found. Failing the call stops the search.

  done @1 ();
  # Called once, after the last provider, when the search has finished.
}

struct PeerInfo {
  # A peer on the network and where to reach it.

  peerId @0 :Text;
  # The peer's libp2p id, as a string (`12D3KooW...`).

  addrs @1 :List(Text);
  # The peer's known multiaddrs, as strings (`/ip4/1.2.3.4/tcp/2025`).
}
