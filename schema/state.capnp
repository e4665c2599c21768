@0x9916cfc3dd28131f;
# Named, versioned state kept by a node: transactions over
# content-addressed values (`dosync` in the `ww/state` module). Every
# version of a ref is one dag-cbor block in the node's IPFS holding the
# value, the version's sequence number and the CID of the version before
# it, so every version has a CID and the history is a chain of CIDs. The
# head (the CID of the newest version) is kept in the node's datastore and
# survives a restart. The node that owns a ref is its single point of
# consistency; other nodes reach it as a capability served over a vat.

using Glia = import "glia.capnp";

interface StateRef {
  # One named ref, from `(perform host :state-ref "name")`. Attenuated to
  # `[:head :history :get]` it is read-only: it can be read and followed
  # back, never committed to.

  head @0 () -> (cid :Text, seq :UInt64);
  # The newest version: its CID and its sequence number. A ref that was
  # never written has the empty CID "" and sequence 0.

  compareAndSet @1 (expectedCid :Text, newCid :Text) -> (ok :Bool, cid :Text, seq :UInt64);
  # Makes `newCid` the head if the head is still `expectedCid` ("" for a
  # ref never written). `newCid` must be a version stored with `put`
  # whose predecessor is `expectedCid`. Returns ok true with the new head,
  # or ok false with the head as it is now (someone else committed first),
  # and nothing changes.

  history @2 (limit :UInt32) -> (entries :List(Version));
  # Up to `limit` versions, newest first, found by following each
  # version's predecessor CID from the head.

  get @3 (cid :Text) -> (value :Glia.Value);
  # The value of the version `cid`. Fails if the block is missing or is not
  # a version of this ref's kind.

  put @4 (value :Glia.Value, prevCid :Text) -> (cid :Text);
  # Stores `value` as a new version whose predecessor is `prevCid` ("" for
  # the first), as a dag-cbor block in the node's IPFS, and returns its
  # CID. It does not move the head: `compareAndSet` does.
}

struct Version {
  # One version of a ref.
  cid @0 :Text;
  # The CID of its block.
  seq @1 :UInt64;
  # Its sequence number: 1 for the first version, then one more each commit.
  prevCid @2 :Text;
  # The CID of the version before it, "" for the first.
}
