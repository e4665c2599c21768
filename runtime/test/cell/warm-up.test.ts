// A Glia cell's build-time warm-up (runtime/cell/guest/warm-up.ts), run in
// Node as cell.ts runs it under componentize-js: the cell's session shares
// its compiled code with a scratch session that answers one GET, and keeps
// none of that request's state. (The compiled code being warm is a speed
// matter, measured in doc/performance.md; this checks the state.)
import { describe, expect, it } from 'vitest';
import { cellSession, cellFunction, callGlia, type CellConfig } from '../../cell/guest/engine.js';
import { warmUp, warmUpSource } from '../../cell/guest/warm-up.js';
import { requestMap } from '../../cell/guest/http.js';
import { kw } from '../../../glia/values/keyword.js';
import { nameCounters, saveNameCounters, restoreNameCounters } from '../../../glia/compile/name-counters.js';

const SOURCE = `(def hits (atom 0))
(def seen (atom []))
(defn handle [req]
  (let [n (swap! hits inc)]
    (swap! seen conj (:path req))
    (println "hit" n)
    {:status 200 :body (str n " " (count @seen))}))`;

const cfg: CellConfig = { name: 'counter', version: '0.1.0', mode: 'http', file: 'counter.glia', source: SOURCE, grants: [{ name: 'host', methods: ['id'] }] };

/** What cell.ts does at build time, with the shared units counted. */
function built() {
  const factories = new Map<string, any>();
  const names = saveNameCounters();
  const printed: string[] = [];
  const session = cellSession(cfg, { stdout: (d) => { printed.push(String(d)); return null; } }, factories);
  session.currentFile = cfg.file;
  session.runSync(cfg.source, cfg.file);
  const own = new Set(factories.values());
  let shared = 0, scratchCompiled = 0;
  warmUp(session, cfg, undefined, () => {
    const after = saveNameCounters();
    restoreNameCounters(names);
    const get = factories.get.bind(factories), set = factories.set.bind(factories);
    factories.get = (k: string) => { const f = get(k); if (f && own.has(f)) shared++; return f; };
    factories.set = (k: string, f: any) => { scratchCompiled++; return set(k, f); };
    const s = cellSession(cfg, { stdout: () => null }, factories);
    return {
      session: s,
      done: () => {
        factories.get = get; factories.set = set;
        restoreNameCounters({ js: Math.max(after.js, nameCounters.js), id: Math.max(after.id, nameCounters.id), gensym: Math.max(after.gensym, nameCounters.gensym) });
      },
    };
  });
  return { session, printed, shared, scratchCompiled, ownUnits: own.size };
}

describe('a Glia cell\'s build-time warm-up', () => {
  it('compiles nothing new for the scratch session: it shares every unit of the cell\'s code', () => {
    const b = built();
    expect(b.ownUnits).toBeGreaterThan(0);
    expect(b.scratchCompiled).toBe(0);
    expect(b.shared).toBeGreaterThanOrEqual(b.ownUnits);
  });

  it('leaves the cell\'s own state as its top level made it: the first request is the first', () => {
    const b = built();
    expect(b.printed).toEqual([]);
    const handle = cellFunction(b.session, 'handle');
    const res = callGlia(b.session, handle, [requestMap(new Map([['REQUEST_METHOD', 'GET'], ['PATH_INFO', '/a']]), new Uint8Array(0))]);
    expect(res.get(kw('body'))).toBe('1 1');
    expect(b.printed.join('')).toContain('hit 1');
  });

  it('runs code that defines nothing in the cell\'s namespaces', () => {
    const s = cellSession(cfg, {});
    s.runSync(cfg.source, cfg.file);
    const vars = () => [...s.registry.namespaces.values()].map((ns) => `${ns.name}:${[...ns.vars.keys()].sort().join(',')}`).join(' ');
    const before = vars();
    expect(s.runSync(warmUpSource({ name: 'host', method: 'id' }), '<warm-up>')).toBeTruthy();
    expect(vars()).toBe(before);
  });

  it('asks no scratch session for handle when the build found that handle does not answer (warmHandle false)', () => {
    const s = cellSession(cfg, {});
    s.runSync(cfg.source, cfg.file);
    let asked = 0;
    warmUp(s, { ...cfg, warmHandle: false }, undefined, () => { asked++; return { session: cellSession(cfg, {}), done: () => {} }; });
    expect(asked).toBe(0);
    warmUp(s, cfg, undefined, () => { asked++; return { session: cellSession(cfg, {}), done: () => {} }; });
    expect(asked).toBe(1);
  });
});
