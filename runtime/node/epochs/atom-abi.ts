// The part of the Atom contract (contracts/Atom.sol) a node reads: head()
// and the HeadUpdated event. Written out here, typed for viem, rather than
// read from contracts/Atom.json at run time; test/contracts.test.ts checks
// that the two agree.
import { parseAbi } from 'viem';

export const ATOM_READ_ABI = parseAbi([
  'function head() view returns (uint64 seq, bytes cid)',
  'event HeadUpdated(uint64 indexed seq, address indexed writer, bytes cid, bytes32 indexed cidHash)',
]);
