@0x8bd895e6d3f7dbfd;
# Identity, signing and login.
#
# Signatures are Ed25519 and domain-separated: what is signed is never the
# payload alone but the domain and the payload, each prefixed with its
# length in bytes as an unsigned LEB128 varint (the layout of libp2p's
# signed envelopes):
#
#     varint(len(domain)) || domain || varint(len(payload)) || payload
#
# So a signature made for one purpose never verifies for another. Domains
# are non-empty UTF-8 names; those starting with `ww/` belong to the
# runtime. The one in use is `ww/terminal/login` (see Terminal).
#
# Login is a challenge bound to the current epoch (membrane.capnp): a
# Terminal asks the caller's Signer to sign a fresh LoginChallenge naming
# the Terminal's node, a nonce and the epoch, and on success hands out a
# Membrane that lasts only as long as that epoch.

using Membrane = import "membrane.capnp";

interface Identity {
  # This node's Ed25519 identity (from `~/.ww/identity`), which is also its
  # libp2p identity. Grafted as `identity`. It never hands out the private
  # key, only Signers that use it.

  peerId @0 () -> (peerId :Text);
  # Returns the node's libp2p peer id, as a string (`12D3KooW...`).

  publicKey @1 () -> (publicKey :Data);
  # Returns the node's Ed25519 public key, as its raw 32 bytes.

  signer @2 (domains :List(Text)) -> (signer :Signer);
  # Returns a Signer that signs with the node's key in the listed domains
  # only; asking it to sign in any other domain fails with
  # `permission-denied`. The list must not be empty. Handing out a signer
  # for `ww/terminal/login` lets its holder log in as this node.

  verify @3 (publicKey :Data, domain :Text, payload :Data, signature :Data)
         -> (valid :Bool);
  # Checks that `signature` was made by the key `publicKey` (raw 32 bytes)
  # over `payload` in `domain`. Needs no authority and touches no key;
  # a malformed key or signature gives false, not an error.
}

interface Signer {
  # Signs with one key, in the domains it was issued for. A Signer may be
  # served by the node (from Identity.signer) or by a client that holds
  # its own key, for example to log in through a Terminal.

  sign @0 (domain :Text, payload :Data) -> (signature :Data);
  # Returns the 64-byte Ed25519 signature over `domain` and `payload`,
  # laid out as the file comment above says. Fails with
  # `permission-denied` if this signer may not sign in `domain`. A careful
  # signer decodes the payload of a domain it knows before signing it (for
  # `ww/terminal/login`, a LoginChallenge) and refuses what it did not
  # expect.

  publicKey @1 () -> (publicKey :Data);
  # Returns the public key that verifies this signer's signatures, as the
  # raw 32 bytes of an Ed25519 key.
}

interface Terminal {
  # The door to a Membrane for a caller who must first prove who they are.
  # A node serves one to other nodes as a vat (see VatListener.serve in
  # system.capnp). Holding a Terminal grants nothing by itself.

  login @0 (signer :Signer) -> (session :Membrane.Membrane);
  # Logs in with the caller's key. The Terminal
  #   1. asks `signer` for its public key and fails with
  #      `permission-denied` unless that key is authorised here;
  #   2. builds a LoginChallenge with its own peer id, 32 fresh random
  #      bytes and the current epoch, and asks `signer` to sign its
  #      canonical Cap'n Proto encoding in the domain `ww/terminal/login`;
  #   3. checks the signature against the key, that the nonce has not been
  #      used and that the challenge is less than 30 seconds old, and that
  #      the epoch is still current (otherwise `stale-epoch`);
  #   4. returns a Membrane whose grafts carry what that key is allowed.
  # The session belongs to the challenge's epoch: once the epoch advances
  # it fails with `stale-epoch` like every capability it issued, and the
  # caller logs in again. So revoking a key takes effect at the next
  # epoch. The caller's signature never leaves this exchange.
}

struct LoginChallenge {
  # What a Signer signs to log in through a Terminal, in the domain
  # `ww/terminal/login`, as canonical Cap'n Proto bytes. It names the node
  # so that a challenge relayed from another node is refused by a signer
  # that checks, and names the epoch and a nonce so that it cannot be
  # replayed.

  terminal @0 :Text;
  # Peer id of the node whose Terminal issued the challenge. A client
  # signer checks it is the node it meant to log in to.

  nonce @1 :Data;
  # 32 random bytes, fresh for this login and accepted once.

  epochSeq @2 :UInt64;
  # The `seq` of the epoch the session will belong to.

  epochHead @3 :Text;
  # The `head` of that epoch, so that the challenge names exactly one.

  issuedAtMs @4 :UInt64;
  # When the Terminal issued the challenge, in milliseconds since the Unix
  # epoch.
}
