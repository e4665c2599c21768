// Deploying and driving the Atom contract (contracts/Atom.json) on a dev
// chain with viem: what the tests and the epoch bench do as its owner.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createPublicClient, createWalletClient, defineChain, http, stringToHex, type Abi, type Address, type Hex, type PrivateKeyAccount } from 'viem';
import type { DevChain } from './dev-chain.js';

const artifactPath = fileURLToPath(new URL('../../../contracts/Atom.json', import.meta.url).href.replace('/dist/', '/'));
export const ATOM = JSON.parse(readFileSync(artifactPath, 'utf8')) as { abi: Abi; bytecode: Hex; sourceSha256: string; solc: string };

export function devChainClients(chain: DevChain, account: PrivateKeyAccount) {
  const def = defineChain({ id: chain.chainId, name: 'dev', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [chain.httpUrl] } } });
  const transport = http(chain.httpUrl, { retryCount: 0 });
  return {
    public: createPublicClient({ chain: def, transport, pollingInterval: 50 }),
    wallet: createWalletClient({ chain: def, transport, account }),
  };
}

/** Deploys Atom as `owner` (automine must be on); its address. */
export async function deployAtom(chain: DevChain, owner: PrivateKeyAccount): Promise<Address> {
  const c = devChainClients(chain, owner);
  const hash = await c.wallet.deployContract({ abi: ATOM.abi, bytecode: ATOM.bytecode, args: [] });
  const receipt = await c.public.waitForTransactionReceipt({ hash });
  if (!receipt.contractAddress) throw new Error('Atom deployment gave no address');
  return receipt.contractAddress;
}

/** Sends setHead(text as UTF-8) from `account`; the transaction hash (mined only with automine). */
export async function setHead(chain: DevChain, atom: Address, account: PrivateKeyAccount, text: string): Promise<Hex> {
  const c = devChainClients(chain, account);
  return c.wallet.writeContract({ address: atom, abi: ATOM.abi, functionName: 'setHead', args: [stringToHex(text)], gas: 500_000n });
}
