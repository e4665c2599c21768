// The `ww run` flags of the on-chain epoch source (`--stem ADDRESS
// --rpc-url URL [--ws-url URL] [--confirmation-depth N]`), checked before
// the node boots so that a typo is one coded line, not a retry loop.
import { getAddress, isAddress, type Address } from 'viem';
import { NodeError } from '../errors.js';

/** Where the Atom contract lives and how to follow it (NodeOptions.stem). */
export interface StemOptions {
  /** The Atom contract's address, EIP-55 checksummed. */
  address: Address;
  /** HTTP(S) JSON-RPC endpoint: reads, eth_getLogs, and polling. */
  rpcUrl: string;
  /** WebSocket JSON-RPC endpoint: new blocks and HeadUpdated logs pushed as they come. */
  wsUrl?: string;
  /** Blocks a HeadUpdated log must have (its own included) before it is adopted. */
  confirmationDepth: number;
}

export const DEFAULT_CONFIRMATION_DEPTH = 6;
/** Beyond this, a head would wait days on mainnet: surely a typo. */
export const MAX_CONFIRMATION_DEPTH = 100_000;

export interface StemFlags {
  stem?: string | undefined;
  'rpc-url'?: string | undefined;
  'ws-url'?: string | undefined;
  'confirmation-depth'?: string | undefined;
}

/** The flags as StemOptions, null when none is given; a NodeError for any that is wrong. */
export function parseStemFlags(flags: StemFlags): StemOptions | null {
  const { stem, 'rpc-url': rpcUrl, 'ws-url': wsUrl, 'confirmation-depth': depth } = flags;
  if (stem === undefined) {
    const stray = (['rpc-url', 'ws-url', 'confirmation-depth'] as const).filter((k) => flags[k] !== undefined);
    if (stray.length) throw new NodeError('node/chain-flags', `${stray.map((k) => `--${k}`).join(' and ')} without --stem`, 'give the Atom contract\'s address with --stem ADDRESS, or drop the on-chain flags');
    return null;
  }
  if (!isAddress(stem, { strict: true })) {
    const why = /^0x[0-9a-fA-F]{40}$/.test(stem) ? 'its mixed-case letters are not a valid EIP-55 checksum' : 'it is not 0x followed by 40 hex digits';
    throw new NodeError('node/bad-stem', `--stem ${JSON.stringify(stem)} is not an Ethereum address: ${why}`, 'copy the Atom contract\'s address as its deployment printed it, or write it all in lower case');
  }
  if (rpcUrl === undefined) throw new NodeError('node/chain-flags', '--stem needs --rpc-url, the chain\'s HTTP JSON-RPC endpoint', 'add --rpc-url http://HOST:PORT (e.g. http://127.0.0.1:8545 for a local node)');
  const opts: StemOptions = { address: getAddress(stem), rpcUrl: checkUrl('--rpc-url', rpcUrl, ['http:', 'https:']), confirmationDepth: DEFAULT_CONFIRMATION_DEPTH };
  if (wsUrl !== undefined) opts.wsUrl = checkUrl('--ws-url', wsUrl, ['ws:', 'wss:']);
  if (depth !== undefined) {
    if (!/^\d+$/.test(depth) || Number(depth) < 1 || Number(depth) > MAX_CONFIRMATION_DEPTH) {
      throw new NodeError('node/chain-flags', `--confirmation-depth takes a whole number of blocks from 1 to ${MAX_CONFIRMATION_DEPTH}, not ${JSON.stringify(depth)}`, `the default is ${DEFAULT_CONFIRMATION_DEPTH}; 1 adopts a head in the block that sets it`);
    }
    opts.confirmationDepth = Number(depth);
  }
  return opts;
}

function checkUrl(flag: string, text: string, protocols: string[]): string {
  let url: URL | null = null;
  try { url = new URL(text); } catch { /* reported below */ }
  if (!url || !protocols.includes(url.protocol) || !url.hostname) {
    const want = protocols.map((p) => `${p}//`).join(' or ');
    throw new NodeError('node/bad-rpc-url', `${flag} ${JSON.stringify(text)} is not a ${want} URL`, `write it like ${protocols[0]}//127.0.0.1:${protocols[0] === 'http:' ? '8545' : '8546'}`);
  }
  return text;
}
