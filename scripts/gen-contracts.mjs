// Compiles contracts/Atom.sol into contracts/Atom.json (ABI, creation
// bytecode, the compiler's version and the sha256 of the source it came
// from). Atom.json is committed, so `npm install` and the tests never need
// a Solidity compiler: solc is deliberately not a dependency. Run this
// (`npm run gen:contracts`) after changing Atom.sol; it fetches solc-js
// through npx. test/contracts.test.ts fails while the two disagree.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SOLC_VERSION = '0.8.37';
const root = fileURLToPath(new URL('..', import.meta.url));
const sourcePath = join(root, 'contracts', 'Atom.sol');
const outPath = join(root, 'contracts', 'Atom.json');

const source = readFileSync(sourcePath, 'utf8');
const input = {
  language: 'Solidity',
  sources: { 'Atom.sol': { content: source } },
  settings: {
    optimizer: { enabled: true, runs: 200 },
    // Cancun: what today's mainnet and L2s run; later opcodes are not needed.
    evmVersion: 'cancun',
    outputSelection: { 'Atom.sol': { Atom: ['abi', 'evm.bytecode.object'] } },
  },
};

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const run = spawnSync(npx, ['--yes', `solc@${SOLC_VERSION}`, '--standard-json'], {
  input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 64 << 20,
});
if (run.status !== 0) {
  process.stderr.write(`gen-contracts: solc@${SOLC_VERSION} failed (exit ${run.status}):\n${run.stderr}\n`);
  process.exit(1);
}
// solc-js may print notices before its JSON, which starts at the first '{'.
const json = run.stdout.slice(run.stdout.indexOf('{'));
const output = JSON.parse(json);
const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
for (const e of output.errors ?? []) process.stderr.write(`${e.formattedMessage ?? e.message}\n`);
if (errors.length) process.exit(1);

const version = spawnSync(npx, ['--yes', `solc@${SOLC_VERSION}`, '--version'], { encoding: 'utf8' }).stdout.trim();
const atom = output.contracts['Atom.sol'].Atom;
const artifact = {
  contract: 'Atom',
  source: 'contracts/Atom.sol',
  sourceSha256: createHash('sha256').update(source).digest('hex'),
  solc: version,
  settings: { optimizer: input.settings.optimizer, evmVersion: input.settings.evmVersion },
  abi: atom.abi,
  bytecode: `0x${atom.evm.bytecode.object}`,
};
writeFileSync(outPath, JSON.stringify(artifact, null, 2) + '\n');
process.stdout.write(`wrote ${outPath} (solc ${version}, ${atom.evm.bytecode.object.length / 2} bytes)\n`);
