// The memory guard rewrites core modules so that the host owns each
// memory (created per spawn with the ceiling as its maximum) and every
// memory.grow that is refused traps with a flag set. These tests run the
// rewritten modules in V8 and compare them with the originals.
import { describe, expect, it } from 'vitest';
import { parse } from '@bytecodealliance/jco';
import { GROW_REFUSED_EXPORT, GUARD_IMPORT_MODULE, guardMemory } from '../../cell/wasm/memory-guard.js';
import { WasmFormatError } from '../../cell/wasm/bytes.js';

const PAGE = 65536;

async function instantiate(bytes: Uint8Array, imports: Record<string, Record<string, unknown>> = {}) {
  const { instance } = await WebAssembly.instantiate(bytes, imports) as unknown as { instance: WebAssembly.Instance };
  return instance.exports as Record<string, any>;
}

describe('memory guard', () => {
  it('turns a defined memory into an import from ww:cell with the same limits', async () => {
    const g = guardMemory(await parse('(module (memory (export "mem") 2 10) (func (export "size") (result i32) memory.size))'));
    expect(g.memories).toEqual([{ name: 'memory0', initial: 2, maximum: 10, shared: false }]);
    const mod = await WebAssembly.compile(g.bytes);
    expect(WebAssembly.Module.imports(mod)).toEqual([{ module: GUARD_IMPORT_MODULE, name: 'memory0', kind: 'memory' }]);
    const mem = new WebAssembly.Memory({ initial: 2, maximum: 3 });
    const e = await instantiate(g.bytes, { [GUARD_IMPORT_MODULE]: { memory0: mem } });
    expect(e.mem).toBe(mem);
    expect(e.size()).toBe(2);
    // A memory whose maximum is over the declared one does not link: the host must respect the module's own limit.
    await expect(instantiate(g.bytes, { [GUARD_IMPORT_MODULE]: { memory0: new WebAssembly.Memory({ initial: 2, maximum: 11 }) } })).rejects.toThrow();
  });

  it('lets growth within the ceiling through and traps, flag set, on growth past it', async () => {
    const g = guardMemory(await parse(`(module (memory 1)
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`));
    expect(g.growSites).toBe(1);
    const e = await instantiate(g.bytes, { [GUARD_IMPORT_MODULE]: { memory0: new WebAssembly.Memory({ initial: 1, maximum: 4 }) } });
    expect(e.grow(2)).toBe(1);
    expect(e.grow(1)).toBe(3);
    expect(e[GROW_REFUSED_EXPORT].value).toBe(0);
    expect(() => e.grow(1)).toThrow(WebAssembly.RuntimeError);
    expect(e[GROW_REFUSED_EXPORT].value).toBe(1);
  });

  it('changes no index: imports, calls, globals, tables and indirect calls behave as before', async () => {
    const wat = `(module
      (import "env" "add" (func $add (param i32 i32) (result i32)))
      (import "env" "g" (global $g i32))
      (type $unary (func (param i32) (result i32)))
      (memory 1)
      (global $h (mut i32) (i32.const 7))
      (table 2 funcref)
      (elem (i32.const 0) $double $grow1)
      (func $double (type $unary) (i32.mul (local.get 0) (i32.const 2)))
      (func $grow1 (type $unary) (memory.grow (local.get 0)))
      (func (export "run") (param i32) (result i32)
        (global.set $h (i32.add (global.get $h) (global.get $g)))
        (call $add
          (call_indirect (type $unary) (local.get 0) (i32.const 0))
          (i32.add (global.get $h) (call_indirect (type $unary) (i32.const 1) (i32.const 1))))))`;
    const imports = { env: { add: (a: number, b: number) => a + b, g: 100 } };
    const original = await instantiate(await parse(wat), imports);
    const g = guardMemory(await parse(wat));
    const guarded = await instantiate(g.bytes, { ...imports, [GUARD_IMPORT_MODULE]: { memory0: new WebAssembly.Memory({ initial: 1, maximum: 10 }) } });
    for (const x of [0, 5, 21]) expect(guarded.run(x)).toBe(original.run(x));
  });

  it('walks every kind of instruction V8 runs today (control, SIMD, bulk memory, atomics, references, tail calls, exceptions)', async () => {
    const wat = `(module
      (memory 1 100)
      (table $t 4 funcref)
      (tag $e (param i32))
      (type $v (func (result i32)))
      (elem declare func $seven)
      (func $seven (result i32) (i32.const 7))
      (func $tail (param i32) (result i32) (return_call $id (local.get 0)))
      (func $id (param i32) (result i32) (local.get 0))
      (func (export "mix") (param $n i32) (result i32) (local $v v128) (local $acc i32)
        (block $out (result i32)
          (block $b
            (loop $l
              (br_table $b $l $b (i32.const 0))))
          (i32.const 1))
        (local.set $acc)
        (if (result i32) (local.get $n) (then (i32.const 10)) (else (i32.const 20)))
        (local.set $acc (i32.add (local.get $acc)))
        (memory.fill (i32.const 0) (i32.const 3) (i32.const 16))
        (memory.copy (i32.const 32) (i32.const 0) (i32.const 16))
        (local.set $v (v128.load offset=32 align=4 (i32.const 0)))
        (local.set $v (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 (local.get $v) (v128.const i32x4 1 2 3 4)))
        (local.set $acc (i32.add (local.get $acc) (i32x4.extract_lane 0 (local.get $v))))
        (v128.store8_lane offset=64 3 (i32.const 0) (local.get $v))
        (local.set $acc (i32.add (local.get $acc) (i32.load8_u offset=64 (i32.const 0))))
        (local.set $acc (i32.add (local.get $acc) (i32.atomic.load (i32.const 0))))
        (drop (memory.atomic.notify (i32.const 0) (i32.const 0)))
        (atomic.fence)
        (local.set $acc (i32.add (local.get $acc) (select (result i32) (i32.const 1) (i32.const 2) (local.get $n))))
        (local.set $acc (i32.add (local.get $acc) (ref.is_null (ref.null func))))
        (table.set $t (i32.const 0) (ref.func $seven))
        (local.set $acc (i32.add (local.get $acc) (call_indirect $t (type $v) (i32.const 0))))
        (local.set $acc (i32.add (local.get $acc) (table.size $t)))
        (local.set $acc (i32.add (local.get $acc) (i64.eq (i64.const -9000000000) (i64.extend_i32_s (i32.const 5)))))
        (local.set $acc (i32.add (local.get $acc) (i32.trunc_sat_f64_s (f64.const 2.9))))
        (local.set $acc (i32.add (local.get $acc) (i32.trunc_f32_s (f32.const 1.5))))
        try
          i32.const 100
          throw $e
        catch $e
          local.get $acc
          i32.add
          local.set $acc
        end
        (local.set $acc (i32.add (local.get $acc) (call $tail (i32.const 1000))))
        (local.set $acc (i32.add (local.get $acc) (memory.grow (i32.const 1))))
        (i32.add (local.get $acc) (memory.size)))
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`;
    const original = await instantiate(await parse(wat));
    const g = guardMemory(await parse(wat));
    expect(g.growSites).toBe(2);
    const guarded = await instantiate(g.bytes, { [GUARD_IMPORT_MODULE]: { memory0: new WebAssembly.Memory({ initial: 1, maximum: 3 }) } });
    expect(guarded.mix(1)).toBe(original.mix(1));
    expect(guarded.mix(0)).toBe(original.mix(0));
    expect(() => guarded.grow(5)).toThrow(WebAssembly.RuntimeError);
  });

  it('guards growth of an imported memory (as the preview1 adapter has) without importing it twice', async () => {
    const g = guardMemory(await parse('(module (import "env" "memory" (memory 1)) (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))'));
    expect(g.memories).toEqual([]);
    const e = await instantiate(g.bytes, { env: { memory: new WebAssembly.Memory({ initial: 1, maximum: 2 }) } });
    expect(e.grow(1)).toBe(1);
    expect(() => e.grow(1)).toThrow(WebAssembly.RuntimeError);
    expect(e[GROW_REFUSED_EXPORT].value).toBe(1);
  });

  it('leaves a module without memory as it was, apart from re-encoding', async () => {
    const bytes = await parse('(module (func (export "f") (result i32) (i32.const 1)))');
    const g = guardMemory(bytes);
    expect(g.memories).toEqual([]);
    expect(g.growSites).toBe(0);
    expect(Buffer.from(g.bytes).equals(Buffer.from(bytes))).toBe(true);
  });

  it('answers garbage, truncation and mutation with WasmFormatError or a module V8 judges, never another exception', async () => {
    const bytes = await parse(`(module (memory 1) (global (mut i32) (i32.const 0))
      (func (export "f") (param i32) (result i32) (block (result i32) (memory.grow (local.get 0)))))`);
    expect(() => guardMemory(new Uint8Array([1, 2, 3]))).toThrow(WasmFormatError);
    for (let n = 0; n < bytes.length; n++) {
      try { guardMemory(bytes.subarray(0, n)); } catch (e) { expect(e).toBeInstanceOf(WasmFormatError); }
    }
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < 500; i++) {
      const m = bytes.slice();
      const at = 8 + Math.floor(rand() * (m.length - 8));
      m[at] = Math.floor(rand() * 256);
      try {
        const out = guardMemory(m);
        WebAssembly.validate(out.bytes);
      } catch (e) {
        expect(e).toBeInstanceOf(WasmFormatError);
      }
    }
  });
});
