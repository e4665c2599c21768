# The interfaces `npm run bench -- rpc` (bench/rpc.ts) calls, the same on
# both sides of the comparison: our runtime/rpc Connection and capnp-es's
# own RPC. bench/rpc/generated/bench.ts is generated from it and committed
# (`npm run gen:schema` regenerates it).

@0xde66281d0da9ad30;

# The bootstrap capability.
interface Bench {
  # Returns a + b. The sequential and concurrent workloads call this.
  add @0 (a :Int64, b :Int64) -> (sum :Int64);

  # Returns a B holding `seed`: the first call of the pipelined chain
  # `getB(seed).getB().getC(k).getC().value(x)`, whose value is seed * k + x.
  getB @1 (seed :Int64) -> (b :B);
}

interface B {
  # Returns a C holding seed * k.
  getC @0 (k :Int64) -> (c :C);
}

interface C {
  # Returns the number C holds, plus x.
  value @0 (x :Int64) -> (value :Int64);
}
