@0x973788919ae2a76e;
# Capabilities written in Glia. A `defcap` has no schema of its own, so
# it is served to other vats as a GliaCap: its methods are called by name
# with Glia values as arguments. Attenuation still works by method: the
# membrane reads the method name of each call and checks it against the
# policy in the serving vat.

interface GliaCap {
  # A capability made in Glia with `(defcap name :method fn ...)`.

  call @0 (method :Text, args :List(Value)) -> (result :Value);
  # Calls the method `method` (its name without the colon, such as
  # `inc`) with `args`. The result is the method's return value. A Glia
  # error thrown by the method comes back as an RPC exception whose reason
  # is the error's type and message.

  describe @1 () -> (name :Text, methods :List(Text));
  # The capability's name (the defcap's name) and the names of its
  # methods, in sorted order, as `(methods cap)` shows them.
}

struct Value {
  # A Glia value crossing vats: data, and capabilities by reference.
  # Functions, atoms and other local state cannot cross.

  union {
    nil @0 :Void;
    # nil.
    bool @1 :Bool;
    # true or false.
    int @2 :Int64;
    # An integer that fits in 64 bits.
    bigint @3 :Text;
    # A larger integer, in decimal.
    float @4 :Float64;
    # A floating-point number.
    text @5 :Text;
    # A string.
    keyword @6 :Text;
    # A keyword, without the colon (`ns/name` when qualified).
    symbol @7 :Text;
    # A symbol.
    bytes @8 :Data;
    # A byte array.
    list @9 :List(Value);
    # A list (or any sequence).
    vector @10 :List(Value);
    # A vector.
    map @11 :List(Entry);
    # A map, entry by entry.
    set @12 :List(Value);
    # A set.
    cap @13 :CapRef;
    # A capability, passed by reference (attenuation travels with it).
  }
}

struct CapRef {
  # A capability inside a Value, with the interface it implements, so the
  # receiving vat knows its methods.
  cap @0 :Capability;
  # The capability.
  interfaceId @1 :UInt64;
  # Its interface's Cap'n Proto id; zero when unknown.
}

struct Entry {
  # One key and value of a map.
  key @0 :Value;
  # The key.
  value @1 :Value;
  # The value.
}
