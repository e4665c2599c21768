// The ww:grants custom section: the format (doc/cells.md), read strictly,
// and written into a real component that still loads and runs.
import { afterAll, describe, expect, it } from 'vitest';
import { declaredGrants, parseGrants, withGrantsSection, customSections, GRANTS_SECTION } from '../../cell/grants.js';
import { CellError } from '../../cell/errors.js';
import { collect, testRuntime } from './helpers.js';
import { watFixture } from './wat-fixtures.js';

const t = testRuntime();
afterAll(() => t.done());
const enc = (s: string) => new TextEncoder().encode(s);

function bad(f: () => unknown): string {
  try { f(); } catch (e) { expect(e).toBeInstanceOf(CellError); expect((e as CellError).code).toBe('cell/bad-grants'); return (e as Error).message; }
  throw new Error('accepted');
}

describe('ww:grants', () => {
  it('reads the declared grants', () => {
    expect(parseGrants(enc('[{"name":"host","methods":["id","addrs","peers"]},{"name":"http-client","methods":["get"]}]')))
      .toEqual([{ name: 'host', methods: ['id', 'addrs', 'peers'] }, { name: 'http-client', methods: ['get'] }]);
    expect(parseGrants(enc('[]'))).toEqual([]);
  });

  it('refuses anything else, saying what is wrong', () => {
    expect(bad(() => parseGrants(enc('{"name":"host"}')))).toMatch(/must be a JSON list/);
    expect(bad(() => parseGrants(enc('[{"name":"host"}]')))).toMatch(/methods must be a non-empty list/);
    expect(bad(() => parseGrants(enc('[{"name":"host","methods":[]}]')))).toMatch(/non-empty/);
    expect(bad(() => parseGrants(enc('[{"name":"Host","methods":["id"]}]')))).toMatch(/kebab-case/);
    expect(bad(() => parseGrants(enc('[{"name":"host","methods":["findProviders"]}]')))).toMatch(/not a kebab-case name/);
    expect(bad(() => parseGrants(enc('[{"name":"host","methods":["id"],"all":true}]')))).toMatch(/unknown key "all"/);
    expect(bad(() => parseGrants(enc('[{"name":"host","methods":["id"]},{"name":"host","methods":["addrs"]}]')))).toMatch(/declared twice/);
    expect(bad(() => parseGrants(enc('[{"name":')))).toMatch(/not UTF-8 JSON/);
    expect(bad(() => parseGrants(Uint8Array.of(0x5b, 0xff, 0x5d)))).toMatch(/not UTF-8 JSON/);
  });

  it('is written into a real component, which still loads and runs; a second section is refused', async () => {
    const echo = await watFixture('echo');
    expect(declaredGrants(echo)).toEqual([]);
    const granted = withGrantsSection(echo, [{ name: 'host', methods: ['id'] }]);
    expect(customSections(granted, GRANTS_SECTION)).toHaveLength(1);
    expect(declaredGrants(granted)).toEqual([{ name: 'host', methods: ['id'] }]);
    const p = (await t.rt.load(granted)).spawn({ mode: 'raw' });
    p.stdin.end('still a cell');
    expect((await collect(p.stdout)).toString()).toBe('still a cell');
    expect(bad(() => withGrantsSection(granted, []))).toMatch(/already has a ww:grants section/);
    // Two sections (appended by hand): refused, not merged.
    const twice = new Uint8Array([...granted, ...withGrantsSection(echo, []).subarray(echo.length)]);
    expect(bad(() => declaredGrants(twice))).toMatch(/2 ww:grants sections/);
  });
});
