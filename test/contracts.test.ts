// contracts/Atom.json is committed so that nothing needs a Solidity
// compiler; this keeps it honest: it must be what `npm run gen:contracts`
// made from the Atom.sol beside it, and the ABI the node reads with
// (runtime/node/epochs/atom-abi.ts) must be the artifact's.
import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ATOM_READ_ABI } from '../runtime/node/epochs/atom-abi.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = readFileSync(`${root}contracts/Atom.sol`, 'utf8');
const artifact = JSON.parse(readFileSync(`${root}contracts/Atom.json`, 'utf8'));

interface Param { name?: string; type: string; indexed?: boolean }
interface Entry { type: string; name?: string; stateMutability?: string; inputs?: Param[]; outputs?: Param[] }

/** What an ABI entry means, without how solc or viem spell it (internalType, a missing `indexed: false`). */
function meaning(e: Entry): unknown {
  const params = (ps: Param[] = []) => ps.map((p) => ({ name: p.name ?? '', type: p.type, indexed: Boolean(p.indexed) }));
  return { type: e.type, name: e.name, stateMutability: e.stateMutability ?? null, inputs: params(e.inputs), outputs: params(e.outputs) };
}

describe('contracts/Atom.json', () => {
  it('was compiled from the Atom.sol in the tree (else run npm run gen:contracts)', () => {
    const digest = createHash('sha256').update(source).digest('hex');
    expect(artifact.sourceSha256, 'contracts/Atom.sol changed without `npm run gen:contracts`').toBe(digest);
    expect(source).toContain(`pragma solidity ${artifact.solc.split('+')[0]};`);
    expect(artifact.bytecode).toMatch(/^0x(?:[0-9a-f]{2})+$/);
  });

  it('has the head() and HeadUpdated the node reads with', () => {
    for (const want of ATOM_READ_ABI) {
      const got = artifact.abi.find((e: { type: string; name?: string }) => e.type === want.type && e.name === want.name);
      expect(got, `${want.type} ${want.name} is missing from Atom.json`).toBeDefined();
      expect(meaning(got)).toEqual(meaning(want as Entry));
    }
  });

  it('declares the custom errors setHead reverts with', () => {
    const errors = artifact.abi.filter((e: { type: string }) => e.type === 'error').map((e: { name: string }) => e.name).sort();
    expect(errors).toEqual(['EmptyHead', 'HeadUnchanged', 'NotOwner']);
  });
});
