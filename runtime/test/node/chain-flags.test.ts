// `ww run`'s on-chain epoch flags (--stem, --rpc-url, --ws-url,
// --confirmation-depth): each mistake is one coded line and exit status 1
// before anything boots; good flags become NodeOptions.stem.
import { describe, it, expect } from 'vitest';
import { runCommand, RUN_HELP } from '../../cli/run-command.js';
import { parseStemFlags, DEFAULT_CONFIRMATION_DEPTH } from '../../node/epochs/chain-options.js';
import type { Io } from '../../cli/io.js';

const ATOM = '0x5FbDB2315678afecb367f032d93F642f64180aa3';

async function run(args: string[]): Promise<{ code: number; err: string; out: string }> {
  let err = '';
  let out = '';
  const io: Io = { out: (t) => { out += t; }, err: (t) => { err += t; } };
  const code = await runCommand(args, io, {});
  return { code, err, out };
}

describe('ww run on-chain flags', () => {
  const cases: Array<[string, string[], string, RegExp]> = [
    ['a short address', ['--stem', '0x1234', '--rpc-url', 'http://127.0.0.1:8545'], 'node/bad-stem', /--stem "0x1234" is not an Ethereum address: it is not 0x followed by 40 hex digits/],
    ['a bad checksum', ['--stem', ATOM.replace('F', 'f').replace('b', 'B'), '--rpc-url', 'http://127.0.0.1:8545'], 'node/bad-stem', /not a valid EIP-55 checksum/],
    ['no --rpc-url', ['--stem', ATOM], 'node/chain-flags', /--stem needs --rpc-url/],
    ['a non-URL --rpc-url', ['--stem', ATOM, '--rpc-url', 'localhost:8545'], 'node/bad-rpc-url', /--rpc-url "localhost:8545" is not a http:\/\/ or https:\/\/ URL/],
    ['a ws:// --rpc-url', ['--stem', ATOM, '--rpc-url', 'ws://127.0.0.1:8546'], 'node/bad-rpc-url', /--rpc-url/],
    ['an http:// --ws-url', ['--stem', ATOM, '--rpc-url', 'http://127.0.0.1:8545', '--ws-url', 'http://127.0.0.1:8546'], 'node/bad-rpc-url', /--ws-url "http:\/\/127.0.0.1:8546" is not a ws:\/\/ or wss:\/\/ URL/],
    ['a zero depth', ['--stem', ATOM, '--rpc-url', 'http://127.0.0.1:8545', '--confirmation-depth', '0'], 'node/chain-flags', /--confirmation-depth takes a whole number of blocks from 1/],
    ['a word for depth', ['--stem', ATOM, '--rpc-url', 'http://127.0.0.1:8545', '--confirmation-depth', 'six'], 'node/chain-flags', /not "six"/],
    ['--rpc-url alone', ['--rpc-url', 'http://127.0.0.1:8545'], 'node/chain-flags', /--rpc-url without --stem/],
    ['--ws-url and a depth alone', ['--ws-url', 'ws://127.0.0.1:8546', '--confirmation-depth', '3'], 'node/chain-flags', /--ws-url and --confirmation-depth without --stem/],
  ];
  for (const [what, args, code, message] of cases) {
    it(`refuses ${what} with ${code}`, async () => {
      const r = await run(args);
      expect(r.code).toBe(1);
      const lines = r.err.split('\n').filter((l) => l.startsWith('error['));
      expect(lines, r.err).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^error\\[${code.replace('/', '\\/')}\\]: `));
      expect(lines[0]).toMatch(message);
      expect(r.err).toMatch(/\n\s+hint: \S/);
    });
  }

  it('turns good flags into StemOptions, the address checksummed', () => {
    expect(parseStemFlags({})).toBeNull();
    expect(parseStemFlags({ stem: ATOM.toLowerCase(), 'rpc-url': 'http://127.0.0.1:8545' }))
      .toEqual({ address: ATOM, rpcUrl: 'http://127.0.0.1:8545', confirmationDepth: DEFAULT_CONFIRMATION_DEPTH });
    expect(parseStemFlags({ stem: ATOM, 'rpc-url': 'https://rpc.example/v1', 'ws-url': 'wss://rpc.example/ws', 'confirmation-depth': '12' }))
      .toEqual({ address: ATOM, rpcUrl: 'https://rpc.example/v1', wsUrl: 'wss://rpc.example/ws', confirmationDepth: 12 });
  });

  it('lists the flags in ww run --help', async () => {
    for (const flag of ['--stem ADDRESS', '--rpc-url URL', '--ws-url URL', '--confirmation-depth N']) expect(RUN_HELP).toContain(flag);
    expect((await run(['--help'])).out).toContain('--confirmation-depth');
  });
});
