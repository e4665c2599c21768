// The counters that make compiled names unique: JS names of locals
// (scope.ts), analyzer node ids (analyzer.ts) and gensyms (syntax-quote.ts,
// also behind `gensym`). They are process-wide, so the same source compiled
// twice gets different names. Whoever needs the same code twice (a Glia
// cell's build-time warm-up compiles its source in a second session that
// shares the first one's compiled units, session.ts `factories`) saves
// them before the first compile and sets them back before the second.
export const nameCounters = { js: 0, id: 0, gensym: 0 };

export type NameCounters = typeof nameCounters;

export function saveNameCounters(): NameCounters { return { ...nameCounters }; }

export function restoreNameCounters(saved: NameCounters): void { Object.assign(nameCounters, saved); }
