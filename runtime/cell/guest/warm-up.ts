// Warming a Glia cell's own paths at build time, so its snapshot holds them
// ready. StarlingMonkey runs without a JIT, and a function that never ran
// before the snapshot was taken is still source text in it: every spawn
// (every fresh instance) parses and compiles it again on its first call,
// and sets up the object shapes and caches it uses. On std/status that was
// about half of a request's CPU (measured: 9-19 ms a run before, 4-11 ms
// with its `handle` run once at build time).
//
// The cell's own session never runs the cell's functions here: a call
// could change its state (an atom, a var), and that state would be in
// every spawn. Instead an http cell's source is run a second time in a
// scratch session that shares the cell session's compiled units (the
// `factories` option of Session: the same generated code is the same JS
// function, so what one session's calls compile is compiled for the
// other), and the scratch session's `handle` answers a GET / there, with
// its output dropped and its grant calls failing (there is no membrane at
// build time). The scratch session and all it made are then dropped; the
// cell's session has only run its top level, as before. (The build
// already runs a cell's top level once more, in Node, to report errors.)
// Besides, the cell runtime's own paths run on values made here and
// dropped: the CGI request and response, a Glia expression that defines
// nothing (maps, sets, keywords, closures, try/catch, ww/json, a failing
// grant call), and the membrane link's first call on a channel closed at
// once. Anything that fails here is ignored: the cell is as it would be
// without the warm-up, only slower on its first call. Nothing can stop a
// `handle` that never returns here, so the build asks it first where it
// can be stopped (runtime/cell/build/probe.ts) and sets cfg.warmHandle to
// false when it did not answer in time.
import { Map as IMap } from 'immutable';
import type { Session } from '../../../glia/eval/session.js';
import { kw } from '../../../glia/values/keyword.js';
import type { CellConfig } from './engine.js';
import type { GrantCaller } from './grant-cap.js';
import { requestMap, cgiResponse } from './http.js';
import { callGlia, cellFunction } from './engine.js';

/** Glia code like a handler's, with no def and no effect but a grant call that fails at build time. */
export function warmUpSource(grant?: { name: string; method: string }): string {
  const call = grant ? `(try (perform ${grant.name} :${grant.method}) (catch _ e (error-type e)))` : 'nil';
  return `(let [req {:method "GET" :path "/" :headers {"accept" "*/*"} :body ""}
      ok (#{"GET" "HEAD"} (:method req))
      ask (fn [f] (try (f) (catch _ e nil)))
      failed (ask #(throw (ex-info "warm-up" {:k 1})))
      granted (ask #(do ${call}))
      m (-> {"status" "ok" "version" "0.0.0" "n" 1 "xs" [1 2 3] "none" nil "yes" true}
            (assoc "more" (str "a" 1 :k))
            (update "n" inc))
      body (ww.json/write-str m)]
  (when ok
    [(count (ww.json/read-str body)) (get m "n") (get-in req [:headers "accept"]) (contains? m "xs")
     (into [] (map inc (filter odd? (range 10)))) (reduce + 0 [1 2 3]) (keys m) (vals m)
     (merge m {"x" 1}) (dissoc m "none") (conj [1] 2) (first [1]) (seq m) (= m m) (when-let [x (get m "n")] (- x 1))
     (if (= "HEAD" (:method req)) "" body) (pr-str m) failed granted]))`;
}

/**
 * `deadLink` makes the membrane link a spawn makes, on a channel closed at
 * once (cell.ts passes it, so that this file loads outside a component).
 */
export function warmUp(session: Session, cfg: CellConfig, deadLink?: () => GrantCaller,
  scratch?: () => { session: Session; done(): void }): void {
  const grant = cfg.grants.find((g) => g.methods.length > 0);
  const g = grant ? { name: grant.name, method: grant.methods[0]! } : undefined;
  const saved = session.currentFile;
  try { session.runSync(warmUpSource(g), '<warm-up>'); } catch { /* see above */ } finally { session.currentFile = saved; }
  try {
    const req = requestMap(new Map([['REQUEST_METHOD', 'GET'], ['PATH_INFO', '/'], ['HTTP_ACCEPT', '*/*']]), new Uint8Array(0));
    cgiResponse(IMap<any, any>([[kw('status'), 200], [kw('headers'), IMap([['content-type', 'application/json']])], [kw('body'), String(req.size)]]));
  } catch { /* see above */ }
  if (scratch && cfg.mode === 'http' && !cfg.engine && cfg.warmHandle !== false) {
    let done = () => {};
    try {
      const { session: s, done: d } = scratch();
      done = d;
      s.currentFile = cfg.file;
      s.runSync(cfg.source, cfg.file);
      const handle = cellFunction(s, 'handle');
      if (handle) cgiResponse(callGlia(s, handle, [requestMap(new Map([['REQUEST_METHOD', 'GET']]), new Uint8Array(0))]));
    } catch { /* see above */ } finally { done(); }
  }
  if (g && deadLink) {
    try { deadLink()(g.name, kw(g.method), []); } catch { /* closed at once: the call fails, as intended */ }
  }
}
