// The checker's API beyond its diagnostics (those are the golden cases in
// test/golden/checker): hovers, contexts, isolation between checks, module
// loading, and the inputs too large for a golden file.
import { describe, it, expect } from 'vitest';
import { checkSource, symbolAt, CheckWorld, type CheckResult } from '../compile/check.js';
import { makeContext, verdict, parseHeader, contextForPath, ContextError } from '../compile/contexts.js';
import { cellContextFor } from '../compile/cell-project.js';

const world = new CheckWorld();
const check = (source: string, opts: Parameters<typeof checkSource>[1] = {}) => checkSource(source, opts, world);
const codes = (r: CheckResult) => r.diagnostics.map((d) => d.code);
/** The hover at the first occurrence of `marker` in `source` (the cursor just after the marker's first character). */
function hover(r: CheckResult, source: string, marker: string) {
  const at = source.indexOf(marker);
  expect(at, `marker ${marker}`).toBeGreaterThanOrEqual(0);
  return symbolAt(r, at + 1);
}

describe('hovers', () => {
  const src = [
    '(defn greet "Says hello." [n] (println "hello" n))',
    '(defn each [f xs] (doseq [x xs] (f x)))',
    '(defn both ([a] a) ([a b & more] (greet a) b))',
    '(let [shout (fn [s] (perform :app/shout s))] (each shout [1]))',
    '(perform host :find-peers)',
    '(perform routing :find-providers "bafy")',
  ].join('\n');
  const r = check(src, { file: 'init.d/hover.glia' });

  it('a global function: its arity list, docstring and effects', () => {
    const h = hover(r, src, 'greet "Says');
    expect(h).toMatchObject({ name: 'greet', kind: 'global', signature: '[n]', doc: 'Says hello.', effects: [':stdout'] });
    const use = hover(r, src, 'greet a)');
    expect(use).toMatchObject({ name: 'greet', effects: [':stdout'] });
  });

  it('a multi-arity function lists each arity', () => {
    expect(hover(r, src, 'both (')?.signature).toBe('([a] [a b & more])');
  });

  it('a higher-order function shows the effects of its parameter as such', () => {
    expect(hover(r, src, 'each [f')?.effects).toEqual(['(effects of f)']);
  });

  it('a local function: its own effects', () => {
    expect(hover(r, src, 'shout (fn')).toMatchObject({ name: 'shout', kind: 'local', signature: '[s]', effects: [':app/shout'] });
    expect(hover(r, src, 'shout [1]')?.effects).toEqual([':app/shout']);
  });

  it('a builtin: its arities and docstring, no effects', () => {
    const h = hover(r, src, 'println "hello"');
    expect(h).toMatchObject({ name: 'println', signature: '[& xs]', effects: [':stdout'] });
  });

  it('a capability method: its schema signature and doc comment', () => {
    const h = hover(r, src, ':find-providers');
    expect(h).toMatchObject({ kind: 'method', interfaceName: 'Routing', effects: ['routing/:find-providers'] });
    expect(h?.signature).toContain('key :Text, sink :ProviderSink');
    expect(h?.doc).toMatch(/Searches the DHT/);
  });

  it('an unknown method has no hover but a diagnostic', () => {
    expect(hover(r, src, ':find-peers')).toBeNull();
    expect(codes(r)).toContain('unknown-method');
  });

  it('hovers only names written in the source, not what macros made', () => {
    // doseq expands to code with gensyms; none of them is offered as a symbol.
    expect(r.symbols.every((s) => src.slice(s.offset, s.end) === s.name || s.kind === 'method')).toBe(true);
  });
});

describe('contexts', () => {
  it('the option beats the header, which beats the location, which beats the default', () => {
    const src = ';; glia: context=pure\n(println 1)\n';
    expect(check(src, { file: 'init.d/x.glia' }).context.name).toBe('pure');
    expect(check(src, { file: 'init.d/x.glia', context: 'mcp' }).context.name).toBe('mcp');
    expect(check('(println 1)', { file: 'etc/init.d/x.glia' }).context.name).toBe('init.d');
    expect(check('(println 1)', { file: 'src/x.glia' }).context.name).toBe('eval');
  });

  it('an unknown context given by the caller throws; one in a header is a diagnostic', () => {
    expect(() => check('1', { context: 'nope' })).toThrow(ContextError);
    expect(codes(check(';; glia: context=nope\n1'))).toEqual(['unknown-context']);
  });

  it('allow extends any context', () => {
    const src = '(perform :app/x 1)';
    expect(codes(check(src, { context: 'init.d' }))).toEqual(['effect-not-allowed']);
    expect(codes(check(src, { context: 'init.d', allow: [':app/x'] }))).toEqual([]);
  });

  it('verdicts: keyword, method, derived interface, unknown', () => {
    const cell = makeContext({ name: 'cell', grants: ['host/:id'] });
    expect(verdict(cell, 'host/:id')).toBe('allowed');
    expect(verdict(cell, 'host/:addrs')).toBe('denied');
    expect(verdict(cell, 'host/*')).toBe('unknown');
    expect(verdict(cell, 'routing/:hash')).toBe('denied');
    expect(verdict(cell, 'Executor/:spawn')).toBe('allowed');
    expect(verdict(cell, ':stdout')).toBe('denied');
    expect(verdict(cell, '?')).toBe('unknown');
    const init = makeContext({ name: 'init.d' });
    expect([...init.capabilities.keys()]).toEqual(['host', 'runtime', 'routing', 'identity', 'http-client', 'ipfs']);
    expect(init.capabilities.get('http-client')).toBe('HttpClient');
    expect(verdict(init, 'host/*')).toBe('allowed');
  });

  it('a grafted name the node did not grant: the hint gives the condition (http-client needs --http-dial), not the context', () => {
    // As the init.d runner and the sessions make it: the context's grafted names filtered to the node's grants.
    const granted = (name: string, grants: string[]) => {
      const base = makeContext({ name });
      return { ...base, capabilities: new Map([...base.capabilities].filter(([n]) => grants.includes(n))),
        methods: new Map([...base.methods].filter(([n]) => grants.includes(n))) };
    };
    const node = ['host', 'runtime', 'routing', 'identity', 'ipfs'];
    for (const name of ['init.d', 'shell', 'mcp']) {
      const r = check('(perform http-client :get "http://127.0.0.1/")', { context: granted(name, node) });
      const d = r.diagnostics.find((x) => x.code === 'unbound-symbol');
      expect(d?.hint, name).toContain('--http-dial HOST');
      expect(d?.hint, name).toContain('this node was started without it');
      expect(d?.hint, name).not.toContain('glia: context');
    }
    const noIpfs = check('(perform ipfs :read "/x")', { context: granted('init.d', ['host']) });
    expect(noIpfs.diagnostics.find((x) => x.code === 'unbound-symbol')?.hint).toBe('this node does not grant ipfs (it grants host)');
    const noNode = check('(perform http-client :get "x")', { context: granted('mcp', []) });
    expect(noNode.diagnostics.find((x) => x.code === 'unbound-symbol')?.hint).toMatch(/^no node's capabilities are bound here, so neither is http-client; http-client is granted only when/);
    // Outside those contexts, the file is probably in the wrong one; the condition is said too.
    const evalCtx = check('(perform http-client :get "x")', { context: 'eval' });
    expect(evalCtx.diagnostics.find((x) => x.code === 'unbound-symbol')?.hint).toMatch(/start it with ;; glia: context=init\.d \(http-client is granted only when the node is started with --http-dial HOST/);
  });

  it('headers: only comment lines before the first form count', () => {
    expect(parseHeader(';; a comment\n;; glia: context=cell grants=host/:id allow=:stdout\n(main)')?.spec)
      .toEqual({ name: 'cell', grants: ['host/:id'], allow: [':stdout'] });
    expect(parseHeader('(def x 1)\n;; glia: context=pure')).toBeNull();
    expect(contextForPath('a/init.d/b.glia')).toBe('init.d');
    expect(contextForPath('a/init.d.glia')).toBeNull();
  });
});

describe('attenuating to a convenience', () => {
  it('runtime [:run] allows :run and the :load it performs; other methods are refused', () => {
    const r = (call: string) => codes(check(`(let [r (attenuate runtime [:run])] ${call})`, { context: 'init.d' }));
    expect(r('(perform r :run (bytes [0]) :args ["a"])')).toEqual([]);
    expect(r('(perform r :load (bytes [0]))')).toEqual([]);
    expect(codes(check('(perform (attenuate runtime [:load]) :run (bytes [0]))', { context: 'init.d' }))).toEqual(['permission-denied']);
  });
});

describe('a Glia cell project\'s entry', () => {
  const files: Record<string, string> = {
    '/p/cell.edn': '{:name "echo" :mode :raw :entry "src/../src/echo.glia" :grants {host [:id] store [:read]}}',
    '/q/cell.edn': '{:name "web" :mode :http :entry "web.glia"}',
    '/bad/cell.edn': '{:name "x" :mode :raw',
  };
  const read = (p: string) => files[p];
  it('is found from the nearest cell.edn above it, and only the entry is a cell', () => {
    expect(cellContextFor('/p/src/echo.glia', read)).toEqual({
      name: 'cell', title: 'the cell echo (cell.edn)', grants: ['host/:id'], allow: [':stdout', ':stdin', ':exit'] });
    expect(cellContextFor('/p/src/other.glia', read)).toBeNull();
    expect(cellContextFor('/q/web.glia', read)?.allow).toEqual([':stdout', ':exit']);
    expect(cellContextFor('/bad/x.glia', read)).toBeNull();
    expect(cellContextFor('/elsewhere/x.glia', read)).toBeNull();
    expect(cellContextFor('relative.glia', read)).toBeNull();
  });

  it('checks with the declared grants; a header still wins', () => {
    const project = cellContextFor('/p/src/echo.glia', read);
    const ok = check('(defn main [_a] (perform host :id) (println (:name cell-info)) (perform :stdin))', { file: '/p/src/echo.glia', project });
    expect(ok.context.name).toBe('cell');
    expect(codes(ok)).toEqual([]);
    const bad = check('(defn main [_a] (perform host :network))', { file: '/p/src/echo.glia', project });
    expect(codes(bad)).toEqual(['effect-not-allowed']);
    expect(bad.diagnostics[0]!.hint).toContain('add :network to host in the :grants of cell.edn');
    expect(check(';; glia: context=pure\n(perform :stdin)', { file: '/p/src/echo.glia', project }).context.name).toBe('pure');
  });
});

describe('isolation and modules', () => {
  it('each check starts afresh: definitions of one document are not seen by the next', () => {
    expect(codes(check('(defn helper [x] x)'))).toEqual([]);
    expect(codes(check('(helper 1)'))).toEqual(['unbound-symbol']);
    expect(codes(check('(defmacro m [] 1)'))).toEqual([]);
    expect(codes(check('(m)'))).toEqual(['unbound-symbol']);
  });

  it('checking runs no top-level code of the unit', () => {
    const runs: string[] = [];
    const w = new CheckWorld();
    (w.session as any).effects.set('stdout', (d: any) => { runs.push(String(d)); return null; });
    checkSource('(println "ran")\n(def x (println "ran too"))\n(defmacro m [] 1)\n(m)', {}, w);
    expect(runs).toEqual([]);
  });

  it('imports go through loadModule, relative to the importing file, and their effects count', () => {
    const seen: Array<[string, string]> = [];
    const r = check(';; glia: context=pure\n(import "lib/log" :as log)\n(defn f [] (log/info "x"))', {
      file: 'app/main.glia',
      loadModule: (path, from) => {
        seen.push([path, from]);
        return path === 'lib/log' ? { source: '(defn info [m] (perform :app/log m))', file: 'app/lib/log.glia' } : undefined;
      },
    });
    expect(seen).toEqual([['lib/log', 'app/main.glia']]);
    expect(codes(r)).toEqual(['effect-not-allowed']);
    expect(r.diagnostics[0]!.message).toContain(':app/log');
  });

  it('without a loadModule, uses of a file module alias are not checked (no false errors)', () => {
    expect(codes(check('(import "lib/log" :as log)\n(log/info "x")'))).toEqual([]);
  });
});

describe('inputs too large for a golden file', () => {
  it('reports read/too-large for a string literal over 1 MiB, and checks the rest', () => {
    const r = check(`(def big "${'a'.repeat(1_048_577)}")\n(resume 1)`);
    expect(codes(r)).toEqual(['read/too-large', 'resume-outside-handler']);
  });

  it('a deeply nested form built by a macro is too-deep, not a crash', () => {
    const r = check('(defmacro nest [n] (reduce (fn [acc _] (list (quote do) acc)) 0 (range n)))\n(nest 50000)');
    expect(codes(r)).toContain('too-deep');
  });
});
