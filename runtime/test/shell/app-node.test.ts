// The terminal app on a real `ww run` node (loopback, ports from 0): the
// prompt names the node by its short peer id, Tab completes a method of a
// grafted capability, and calling it reaches the node.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startNode, cleanup, type NodeProcess } from '../node/ww-node.js';
import { assertBuilt } from '../ww-process.js';
import { Pane, Tmux, lines, shellCommand, tempHome } from './pty.js';

const tmux = new Tmux(`ww-shell-node-${process.pid}`);
let node: NodeProcess;
let peerId: string;
let addr: string;
let home: ReturnType<typeof tempHome>;
let pane: Pane | undefined;

beforeAll(async () => {
  assertBuilt();
  node = startNode();
  peerId = await node.peerId();
  addr = (await node.addrs()).find((a) => a.startsWith('/ip4/127.0.0.1/'))!;
  if (!addr.includes('/p2p/')) addr += `/p2p/${peerId}`;
  home = tempHome();
}, 90_000);
afterAll(async () => {
  pane?.kill();
  tmux.killServer();
  home?.remove();
  await cleanup(node);
});

describe('ww shell ADDR in a terminal', { timeout: 120_000 }, () => {
  it('prompts with the short peer id, completes (perform host :i to :id, calls the node, describes host', async () => {
    pane = Pane.start(tmux, 'node', shellCommand([addr, '--identity', join(node.home, 'identity')]), { home: home.dir });
    const prompt = `${peerId.slice(0, 6)}…${peerId.slice(-6)}=> `;
    await pane.waitForPromptLine(prompt);
    pane.type('(perform host :i');
    pane.press('Tab');
    await pane.waitForPromptLine(prompt, '(perform host :id');
    pane.type(')');
    pane.press('Enter');
    const s = await pane.waitFor((s) => lines(s).includes(`"${peerId}"`), "the node's peer id");
    expect(lines(s)).toContain(`${prompt}(perform host :id )`);
    // (describe cap): the capability's interface and methods, pretty-printed.
    pane.type('(describe host)');
    pane.press('Enter');
    await pane.waitFor((s) => s.includes(':interface') && s.includes(':peers'), 'the description of host');
  });
});
