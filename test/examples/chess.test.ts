// examples/chess, run as its README says: the chess cell built with `ww
// build`, white's node on one real `ww run` (it keeps the board and plays
// white through its own vat), black's on another that knows only white's
// address (--bootstrap; runtime/test/node/ww-node.ts adds loopback, ports
// from 0, a temporary home and --no-mdns), the scripted game through the
// board's cells, the illegal move refused, both players' replays, and the
// README's own `ww shell` replay on white's node, which must reach the
// position the board holds, from the same chain of CIDs. And the image
// without its build: the log names it.
import { describe, it, expect, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, BIN } from '../../runtime/test/ww-process.js';
import { startNode, cleanup, type NodeProcess, type LogLine } from '../../runtime/test/node/ww-node.js';
import { builtCell } from '../../runtime/test/build/built-cells.js';
import { ReadmeCommands } from './readme-commands.js';
import { wwRun, loopbackAddr, expectUnbuiltHint } from './example-node.js';

const readme = new ReadmeCommands(join(ROOT, 'examples/chess/README.md'));
const FINAL = 'r.bqkb.r/pppp.Qpp/..n..n../....p.../..B.P.../......../PPPP.PPP/RNB.K.NR';

let white: NodeProcess | undefined;
let black: NodeProcess | undefined;
afterAll(async () => { await cleanup(black); await cleanup(white); });

/** The text a node's 10-chess.glia printed, line by line. */
const printed = (n: NodeProcess) => n.lines
  .filter((l) => l.script === 'etc/init.d/10-chess.glia' && l.msg.startsWith('10-chess.glia: '))
  .map((l) => l.msg.slice('10-chess.glia: '.length));
const says = (n: NodeProcess, start: string, ms = 150_000) =>
  n.waitFor((l: LogLine) => l.script === 'etc/init.d/10-chess.glia' && l.msg.startsWith(`10-chess.glia: ${start}`), ms, `"${start}"`);

describe('examples/chess', () => {
  it('two nodes play through the cells of the board white\'s node keeps; illegal moves are refused; either side and a shell replay the chain of CIDs', async () => {
    // `ww build examples/chess`: the real ww build, kept under the hash of
    // its inputs (built-cells.ts), so a run after an unchanged one does not
    // wait a minute for componentize. The build reads cell.edn and its
    // entry (lib/chess.glia) and nothing else of the folder, so it is given
    // just those: editing the README or the init.d script keeps the cache.
    expect(readme.take('ww build examples/chess')).toEqual(['ww', 'build', 'examples/chess']);
    const project = mkdtempSync(join(tmpdir(), 'ww-chess-project-'));
    let built;
    try {
      copyFileSync(join(ROOT, 'examples/chess/cell.edn'), join(project, 'cell.edn'));
      cpSync(join(ROOT, 'examples/chess/lib'), join(project, 'lib'), { recursive: true });
      built = await builtCell(project, 'chess');
    } finally { rmSync(project, { recursive: true, force: true }); }
    mkdirSync(join(ROOT, 'examples/chess/bin'), { recursive: true });
    copyFileSync(built.path, join(ROOT, 'examples/chess/bin/chess.wasm'));

    white = wwRun(readme.take('ww run examples/chess'));
    const started = await says(white, 'new game ');
    const startCid = started.msg.split(' ').pop()!;
    expect(startCid).toMatch(/^bafyrei[a-z2-7]+$/);
    await says(white, 'board serving vats chess and chess-state');

    const addr = await loopbackAddr(white);
    black = wwRun(readme.take('ww run examples/chess examples/chess/black --bootstrap $ADDR', { ADDR: addr }));
    await says(white, 'white replay reached');
    await says(black, 'black replay reached');

    // The moves, in the order each side made them; the refusal changed nothing.
    const moves = (n: NodeProcess, color: string) => printed(n).filter((t) => t.startsWith(`${color} played `)).map((t) => t.split(' ')[2]);
    expect(moves(white, 'white')).toEqual(['e2e4', 'f1c4', 'd1h5', 'h5f7']);
    expect(moves(black, 'black')).toEqual(['e7e5', 'b8c6', 'g8f6']);
    expect(printed(black)).toContain('black was refused: illegal move e5e3: a pawn on e5 cannot move to e3');
    expect(printed(white).find((t) => t.startsWith('white played h5f7'))).toBe(`white played h5f7 ${FINAL}`);
    // Each move ran in a cell on white's node, one per player's dial:
    // white's own, answered in the node, and black's, over libp2p.
    expect(printed(white)).toContain(`white plays on the board at ${await white.peerId()}`);
    expect(printed(black)).toContain(`black plays on the board at ${await white.peerId()}`);
    const cells = white.lines.filter((l) => /^vat chess: cell bafkrei/.test(l.msg)).map((l) => l.msg.split(' for ')[1]);
    expect(cells.sort()).toEqual([await black.peerId(), 'this node'].sort());

    // Each side replayed the same 8 versions (the start and 7 moves) to the board's position.
    const chains = ([['white', white], ['black', black]] as const).map(([color, n]) => {
      const replayed = printed(n).find((t) => t.startsWith(`${color} replayed `))!;
      expect(replayed).toMatch(new RegExp(`^${color} replayed 7 moves from 8 versions `));
      expect(printed(n)).toContain(`${color} replay reached ${FINAL} and the board is ${FINAL} (the same)`);
      return replayed.split(' ').slice(7);
    });
    expect(chains[0]).toEqual(chains[1]);
    expect(chains[0]![0]).toBe(startCid);
    expect(new Set(chains[0]).size).toBe(8);

    // The README's shell replay, on white's node (found through its
    // host-state file, logged in with its key, as on its machine).
    const words = readme.take(`ww shell --eval '(import "examples/chess/lib/chess" :as chess) (chess/replay (perform host :state-ref "chess"))'`);
    expect(words.slice(0, 2)).toEqual(['ww', 'shell']);
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: white.home, WW_HOST_STATE_PATH: white.hostState, WW_IDENTITY: join(white.home, 'identity'), NO_COLOR: '1' };
    delete env.NODE_OPTIONS;
    const { stdout } = await promisify(execFile)(process.execPath, ['--stack-size=3800', BIN, ...words.slice(1)], { cwd: ROOT, env, timeout: 90_000 });
    const result = stdout.trim().split('\n').pop()!;
    expect(result).toContain(`:moves 7, :position "${FINAL}"`);
    expect(result).toContain(`:cids [${chains[0]!.map((c) => JSON.stringify(c)).join(' ')}]`);

    readme.assertAllRun();
  }, 300_000);

  it('white\'s node without its build names the command to run', async () => {
    const image = mkdtempSync(join(tmpdir(), 'ww-chess-unbuilt-'));
    let n: NodeProcess | undefined;
    try {
      cpSync(join(ROOT, 'examples/chess'), image, { recursive: true, filter: (p) => !p.split('/').includes('bin') });
      expect(existsSync(join(image, 'bin'))).toBe(false);
      n = startNode({ args: [image] });
      await expectUnbuiltHint(n, '10-chess.glia', 'chess.wasm', image);
    } finally {
      await cleanup(n);
      rmSync(image, { recursive: true, force: true });
    }
  }, 90_000);
});
