# Test interfaces for Cap'n Proto RPC interop between the Wetware
# TypeScript runtime and a C++ peer built against Debian's libcapnp-dev
# (see peer.c++ and build.sh in this directory, and `issues show 3`,
# section "Interop").
#
# The set is small but covers what the interop tests need:
#   - plain calls on the bootstrap capability (add, echo);
#   - a capability returned from server to client, used through promise
#     pipelining before the answer arrives (counter);
#   - a capability passed from client to server and called back by the
#     server (callback);
#   - a slow answer, alone and as the target of a pipelined call
#     (slowAdd, slowCounter);
#   - an exception carried back to the caller (fail);
#   - a promise in the results that resolves later (Resolve) back to the
#     caller's own capability, with calls made on it before and after
#     (Disembargo keeps them in order) (reflect).

@0xdd710187dbf4001a;

# The bootstrap interface. The C++ peer serves one as its bootstrap
# capability (`peer serve`), and its scripted client (`peer client`)
# expects one from the server it connects to.
interface Calculator {
  # Returns a + b (two's-complement wrap-around on overflow).
  add @0 (a :Int64, b :Int64) -> (sum :Int64);

  # Like `add`, but the answer is sent only after `delayMs` milliseconds
  # (a timer, not a blocked thread: the server keeps serving other calls
  # meanwhile). Used for the "server answers slowly" cases.
  slowAdd @1 (a :Int64, b :Int64, delayMs :UInt32) -> (sum :Int64);

  # Returns a new Counter starting at 0. Each call creates an independent
  # counter. Pipelining target: `counter().counter.increment(1)`.
  counter @2 () -> (counter :Counter);

  # Returns its argument unchanged.
  echo @3 (text :Text) -> (text :Text);

  # Calls `cb.call(value)` on the passed-in capability and returns its
  # result: capability passing from client to server, and a call from the
  # server back into the client. An exception from `cb` propagates.
  callback @4 (cb :Callback, value :Int64) -> (result :Int64);

  # Always fails: the call completes with an exception of type `failed`
  # whose description contains `message`.
  fail @5 (message :Text) -> ();

  # Returns a new Counter (starting at 0), but only after `delayMs`
  # milliseconds. The pipelining case where the server answers slowly:
  # calls made on `slowCounter().counter` before the answer arrives must
  # be queued and delivered to the counter once it exists, in order.
  slowCounter @6 (delayMs :UInt32) -> (counter :Counter);

  # Returns, at once, a *promise* capability that resolves after `delayMs`
  # milliseconds to `cb` itself: the server sends `cb` as a senderPromise
  # in the Return and a Resolve naming the caller's own capability
  # (receiverHosted) later. Calls the caller makes on the result before
  # and after it resolves must reach `cb` in the order made: the ones made
  # earlier travel through the server and back, so the caller embargoes
  # (Disembargo senderLoopback, echoed as receiverLoopback by the server).
  reflect @7 (cb :Callback, delayMs :UInt32) -> (cb :Callback);
}

# A mutable counter, handed out by `Calculator.counter` and
# `Calculator.slowCounter`.
interface Counter {
  # Adds `by` to the counter and returns the new value.
  increment @0 (by :Int64) -> (value :Int64);

  # Returns the current value.
  get @1 () -> (value :Int64);
}

# Implemented by the caller of `Calculator.callback` and called back by
# the server. The C++ peer's client implementation returns value * 10.
interface Callback {
  call @0 (value :Int64) -> (result :Int64);
}
