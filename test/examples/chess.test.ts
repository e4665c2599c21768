// examples/chess, run as its README says: the board and white on one real
// `ww run`, black on a second that knows only the first's address
// (--bootstrap; runtime/test/node/ww-node.ts adds loopback, ports from 0,
// a temporary home and --no-mdns), the scripted game over the vat, the
// illegal move refused, both players' replays, and the README's own
// `ww shell` replay on the board's node, which must reach the position
// the board holds, from the same chain of CIDs.
import { describe, it, expect, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, BIN } from '../../runtime/test/ww-process.js';
import { cleanup, type NodeProcess, type LogLine } from '../../runtime/test/node/ww-node.js';
import { ReadmeCommands } from './readme-commands.js';
import { wwRun, loopbackAddr } from './example-node.js';

const readme = new ReadmeCommands(join(ROOT, 'examples/chess/README.md'));
const FINAL = 'r.bqkb.r/pppp.Qpp/..n..n../....p.../..B.P.../......../PPPP.PPP/RNB.K.NR';

let white: NodeProcess | undefined;
let black: NodeProcess | undefined;
afterAll(async () => { await cleanup(black); await cleanup(white); });

/** The text a node's 10-chess.glia printed, line by line. */
const printed = (n: NodeProcess) => n.lines
  .filter((l) => l.script === 'etc/init.d/10-chess.glia' && l.msg.startsWith('10-chess.glia: '))
  .map((l) => l.msg.slice('10-chess.glia: '.length));
const says = (n: NodeProcess, start: string, ms = 120_000) =>
  n.waitFor((l: LogLine) => l.script === 'etc/init.d/10-chess.glia' && l.msg.startsWith(`10-chess.glia: ${start}`), ms, `"${start}"`);

describe('examples/chess', () => {
  it('two nodes play over the vat; illegal moves are refused; either side and a shell replay the chain of CIDs', async () => {
    white = wwRun(readme.take('ww run examples/chess'));
    const started = await says(white, 'new game ');
    const startCid = started.msg.split(' ').pop()!;
    expect(startCid).toMatch(/^bafyrei[a-z2-7]+$/);
    await says(white, 'board serving vats chess and chess-state');

    black = wwRun(readme.take('ww run examples/chess examples/chess/black --bootstrap $ADDR', { ADDR: await loopbackAddr(white) }));
    await says(white, 'white replay reached');
    await says(black, 'black replay reached');

    // The moves, in the order each side made them; the refusal changed nothing.
    const moves = (n: NodeProcess, color: string) => printed(n).filter((t) => t.startsWith(`${color} played `)).map((t) => t.split(' ')[2]);
    expect(moves(white, 'white')).toEqual(['e2e4', 'f1c4', 'd1h5', 'h5f7']);
    expect(moves(black, 'black')).toEqual(['e7e5', 'b8c6', 'g8f6']);
    expect(printed(black)).toContain('black was refused: illegal move e5e3: a pawn on e5 cannot move to e3');
    expect(printed(white).find((t) => t.startsWith('white played h5f7'))).toBe(`white played h5f7 ${FINAL}`);

    // Each side replayed the same 8 versions (the start and 7 moves) to the board's position.
    const chains = [white, black].map((n) => {
      const color = n === white ? 'white' : 'black';
      const replayed = printed(n).find((t) => t.startsWith(`${color} replayed `))!;
      expect(replayed).toMatch(new RegExp(`^${color} replayed 7 moves from 8 versions `));
      expect(printed(n)).toContain(`${color} replay reached ${FINAL} and the board is ${FINAL} (the same)`);
      return replayed.split(' ').slice(7);
    });
    expect(chains[0]).toEqual(chains[1]);
    expect(chains[0]![0]).toBe(startCid);
    expect(new Set(chains[0]).size).toBe(8);

    // The README's shell replay, on the board's node (found through its
    // host-state file, logged in with its key, as on the board's machine).
    const words = readme.take(`ww shell --eval '(import "examples/chess/lib/chess" :as chess) (chess/replay (perform host :state-ref "chess"))'`);
    expect(words.slice(0, 2)).toEqual(['ww', 'shell']);
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: white.home, WW_HOST_STATE_PATH: white.hostState, WW_IDENTITY: join(white.home, 'identity'), NO_COLOR: '1' };
    delete env.NODE_OPTIONS;
    const { stdout } = await promisify(execFile)(process.execPath, ['--stack-size=3800', BIN, ...words.slice(1)], { cwd: ROOT, env, timeout: 90_000 });
    const result = stdout.trim().split('\n').pop()!;
    expect(result).toContain(`:moves 7, :position "${FINAL}"`);
    expect(result).toContain(`:cids [${chains[0]!.map((c) => JSON.stringify(c)).join(' ')}]`);

    readme.assertAllRun();
  }, 240_000);
});
