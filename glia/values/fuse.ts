// Fused traversal of map/filter pipelines. `(reduce + (filter even? (map inc
// (range n))))` would otherwise build, per 32-item chunk and per stage, a
// lazy seq, its thunk and a chunk cursor, all kept alive by the head of the
// pipeline until reduce returns (so the young generation promotes them).
// Here the stages' chunk steps run back to back on each source chunk, in the
// same order the chunked seqs would call them (a whole chunk through map,
// then through filter, then its items to reduce), so what a function with a
// side effect observes does not change. Each stage keeps the chunks it
// computed and is left pending on them: a later walk of the same seq reads
// them instead of calling the function again, and goes on from where the
// walk stopped (reduced, or an error).
import { LazySeq, lazyChunks, chunkSource, type Value } from './seq.js';

type Pull = () => Value[] | null;

/** Walks a pending map/filter seq (fuseStep set) through its fused stages, calling `each` on every item until it returns false. */
export function forEachFused(coll: LazySeq, each: (x: Value) => boolean | void): void {
  const stages: LazySeq[] = [];
  let src: Value = coll;
  while (src instanceof LazySeq && src.fuseStep !== null && src.pending) { stages.push(src); src = src.fuseFrom; }
  stages.reverse();
  const n = stages.length;
  const steps = stages.map((s) => s.fuseStep!);
  const sourcePull: Pull = src instanceof LazySeq && src.freshPull !== null && src.pending ? src.freshPull() : chunkSource(src);
  const made: Value[][][] = stages.map(() => []);
  // taken[i]: how many chunks stage i has taken from its input (stage i-1, or the source).
  const taken: number[] = new Array(n).fill(0);
  let ended = false;
  // A source chunk the first stage failed on: it is that stage's next input.
  let held: Value[] | null = null;
  const input0: Pull = () => { if (held === null) return sourcePull(); const c = held; held = null; return c; };
  try {
    walk: for (;;) {
      let c = sourcePull();
      if (c === null) { ended = true; break; }
      held = c;
      let i = 0;
      for (; i < n; i++) {
        c = steps[i](c);
        if (i === 0) held = null;
        taken[i]++;
        // A chunked seq skips empty chunks, so the next stage never sees one.
        if (c.length === 0) break;
        made[i].push(c);
      }
      if (i < n) continue;
      for (let j = 0; j < c.length; j++) if (each(c[j]) === false) break walk;
    }
  } finally {
    for (let i = 0; i < n; i++) stages[i].setPending(resumeStage(i, stages, steps[i], made[i], taken, input0, ended));
  }
}

/** What stage i realises to afterwards: its computed chunks, then the rest of its input through its step. */
function resumeStage(i: number, stages: LazySeq[], step: (c: Value[]) => Value[], made: Value[][], taken: number[], sourcePull: Pull, ended: boolean): () => Value {
  let k = 0;
  let input: Pull | null = null;
  const rest = lazyChunks(() => {
    if (k < made.length) return made[k++];
    if (ended) return null;
    if (input === null) {
      if (i === 0) input = sourcePull;
      else {
        const inner = chunkSource(stages[i - 1]);
        for (let skip = taken[i]; skip > 0 && inner() !== null; skip--);
        input = inner;
      }
    }
    const c = input();
    return c === null ? null : step(c);
  });
  return () => rest;
}
