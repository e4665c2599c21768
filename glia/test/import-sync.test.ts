// A module imported by code run with Session.runSync runs synchronously
// too. A Glia cell's top level runs that way (at build time, inside
// componentize-js), so without it a cell could not import the std modules
// written in Glia (ww/coll, ww/policy, ww/test, ww/state): `ww build`
// failed "asynchronous effect during synchronous evaluation".
import { describe, it, expect } from 'vitest';
import { Session, prStr } from '../index.js';

describe('import under runSync', () => {
  it('loads a Glia std module synchronously, and its functions and macros work', () => {
    const s = new Session();
    s.runSync('(import "ww/coll" :as c) (import "ww/state" :as state)', 'cell.glia');
    expect(prStr(s.runSync('(c/index-by :id [{:id 1} {:id 2}])', 'cell.glia'))).toBe('{1 {:id 1}, 2 {:id 2}}');
    // dosync is a macro of ww/state; a memory ref answers synchronously.
    expect(prStr(s.runSync('(def r (state/memory-ref)) (state/dosync r (state/alter! [:n] (fnil inc 0)))', 'cell.glia'))).toBe('1');
    expect(prStr(s.runSync('(state/dosync r (state/alter! [:n] (fnil inc 0)))', 'cell.glia'))).toBe('2');
  });

  it('a second import is the cached module; the same module still imports asynchronously elsewhere', async () => {
    const s = new Session();
    s.runSync('(import "ww/coll" :as c)', 'a.glia');
    expect(prStr(s.runSync('(import "ww/coll" :as c2) (identical? c/index-by c2/index-by)', 'a.glia'))).toBe('true');
    const t = new Session();
    expect(prStr(await t.evalString('(import "ww/coll" :as c) (c/index-by :id [{:id 3}])', 'b.glia'))).toBe('{3 {:id 3}}');
  });

  it('a module that fails while loading under runSync leaves no half-loaded module behind', () => {
    const s = new Session();
    expect(() => s.runSync('(import "ww/no-such-module")', 'cell.glia')).toThrow();
    s.runSync('(import "ww/coll" :as c)', 'cell.glia');
    expect(prStr(s.runSync('(c/index-by :id [])', 'cell.glia'))).toBe('{}');
  });
});
