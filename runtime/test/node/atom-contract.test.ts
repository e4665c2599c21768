// The Atom contract (contracts/Atom.sol, deployed from the committed
// Atom.json) on a real EDR dev chain: what setHead accepts and refuses.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { BaseError, decodeErrorResult, hexToString, keccak256, parseEventLogs, stringToHex, type Address } from 'viem';
import { startDevChain, type DevChain } from './dev-chain.js';
import { ATOM, deployAtom, devChainClients, setHead } from './atom-deploy.js';

const CID_A = 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi';
const CID_B = '/ipfs/QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG';

let chain: DevChain;
let atom: Address;

beforeAll(async () => {
  chain = await startDevChain();
  atom = await deployAtom(chain, chain.accounts[0]!);
});
afterAll(async () => { await chain?.close(); });

async function head(): Promise<[bigint, string]> {
  const [seq, cid] = await devChainClients(chain, chain.accounts[0]!).public.readContract({ address: atom, abi: ATOM.abi, functionName: 'head' }) as [bigint, `0x${string}`];
  return [seq, hexToString(cid)];
}

/** The custom error's name a call from `account` reverts with (simulated with eth_call); undefined if it would not revert. */
async function revertName(account: number, text: string): Promise<string | undefined> {
  const c = devChainClients(chain, chain.accounts[account]!);
  try {
    await c.public.simulateContract({ address: atom, abi: ATOM.abi, functionName: 'setHead', args: [stringToHex(text)], account: chain.accounts[account]! });
  } catch (e) {
    // EDR reports a revert as code -32000 with the revert data under
    // error.data.data (geth says code 3), so viem does not decode it itself.
    const inner = (e as BaseError).walk() as { data?: { data?: unknown } };
    const data = inner?.data?.data;
    if (typeof data !== 'string') throw e;
    return decodeErrorResult({ abi: ATOM.abi, data: data as `0x${string}` }).errorName;
  }
  return undefined;
}

describe('Atom', () => {
  it('starts with seq 0 and an empty cid', async () => {
    expect(await head()).toEqual([0n, '']);
  });

  it('lets the owner set the head, counting it and emitting HeadUpdated', async () => {
    const c = devChainClients(chain, chain.accounts[0]!);
    const receipt = await c.public.waitForTransactionReceipt({ hash: await setHead(chain, atom, chain.accounts[0]!, CID_A) });
    expect(receipt.status).toBe('success');
    const [log] = parseEventLogs({ abi: ATOM.abi, logs: receipt.logs, eventName: 'HeadUpdated' }) as unknown as Array<{ args: { seq: bigint; writer: string; cid: `0x${string}`; cidHash: string } }>;
    expect(log!.args).toEqual({ seq: 1n, writer: chain.accounts[0]!.address, cid: stringToHex(CID_A), cidHash: keccak256(stringToHex(CID_A)) });
    expect(await head()).toEqual([1n, CID_A]);

    await c.public.waitForTransactionReceipt({ hash: await setHead(chain, atom, chain.accounts[0]!, CID_B) });
    expect(await head()).toEqual([2n, CID_B]);
  });

  it('refuses a stranger with NotOwner, on chain as well', async () => {
    expect(await revertName(1, 'bafkqaaa')).toBe('NotOwner');
    const c = devChainClients(chain, chain.accounts[1]!);
    const receipt = await c.public.waitForTransactionReceipt({ hash: await setHead(chain, atom, chain.accounts[1]!, 'bafkqaaa') });
    expect(receipt.status).toBe('reverted');
    expect(await head()).toEqual([2n, CID_B]);
  });

  it('refuses the cid it already has (HeadUnchanged) and an empty one (EmptyHead)', async () => {
    expect(await revertName(0, CID_B)).toBe('HeadUnchanged');
    expect(await revertName(0, '')).toBe('EmptyHead');
    expect(await revertName(0, CID_A)).toBeUndefined();
    expect(await head()).toEqual([2n, CID_B]);
  });
});
