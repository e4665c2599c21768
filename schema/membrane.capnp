@0x95d4f102db44cc68;
# The membrane: the one place where a session is given its authority.
#
# A session (a cell's pid0 stdio, a REPL, an init.d script, a remote peer
# that logged in through auth.capnp's Terminal) holds a Membrane and calls
# graft() to receive its named capabilities. Every capability a graft
# issues is guarded by the epoch it was issued in: when the node advances
# the epoch, each of them, and everything obtained through them, fails
# with a structured `stale-epoch` error, and the holder grafts again.

interface Membrane {
  # Hands out a session's capabilities. Holding a Membrane is the
  # authority itself; wrap it in a Terminal (auth.capnp) to require a login.

  graft @0 () -> (caps :List(Export));
  # Issues the session's capabilities, each under its name, guarded by the
  # current epoch. A node's session grafts `host`, `runtime`, `routing`,
  # `identity`, `http-client` and `ipfs`, plus any grants made with `with`.
  # Each call issues fresh capabilities; after the epoch advances, graft
  # again to replace the stale ones. The list is sorted by name and names
  # are unique.

  epoch @1 () -> (epoch :Epoch);
  # Returns the current epoch: the one a graft made now would be bound to.
}

struct Export {
  # One named capability of a graft, or one grant handed to a cell.

  name @0 :Text;
  # The name the capability is bound to, in kebab-case (`http-client`).
  # Glia binds it as a var of that name.

  cap @1 :Capability;
  # The capability itself, possibly attenuated. Attenuation travels with
  # it: the receiver can narrow it further but never widen it.

  interfaceId @2 :UInt64;
  # The Cap'n Proto id of the interface `cap` implements (for example
  # Host's id from system.capnp), so that the receiver can pick the typed
  # client and map Glia's `:method` keywords to ordinals. Zero when the
  # issuer does not know it; the receiver then treats `cap` as untyped.
}

struct Epoch {
  # A period in which a set of grafted capabilities is valid. Epochs are
  # totally ordered by `seq`; a capability issued in one epoch works only
  # while that epoch is current.

  seq @0 :UInt64;
  # Sequence number. It only grows: the boot epoch is 0 and each advance
  # adds 1.

  head @1 :Text;
  # Content identifier of this epoch: a CIDv1 (raw, sha2-256) string of the
  # canonical Cap'n Proto encoding of this Epoch with `head` left empty.
  # Since the provenance names the previous head, the heads chain the
  # epochs together, and two parties that agree on a head agree on exactly
  # which epoch they mean.

  provenance @2 :Provenance;
  # Where this epoch came from.
}

struct Provenance {
  # Who or what advanced the epoch, and when.

  previousHead @0 :Text;
  # The head of the epoch this one replaced; empty for the first epoch.

  source @1 :Text;
  # What advanced the epoch, as a short keyword: `boot` (the node
  # started), `admin` (POST /epoch/advance on the admin server), `ipns`
  # (the IPNS name the node follows resolved to a new image) or `chain`
  # (a confirmed head of the Atom contract the node follows).

  reason @2 :Text;
  # Free text given with the advance, for the audit log; may be empty.

  adoptedAtMs @3 :UInt64;
  # When this node adopted the epoch, in milliseconds since the Unix epoch.
}
