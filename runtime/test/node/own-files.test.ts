// `ww run ~/.ww` is how a node is run (ww perform install writes that
// unit), so the node's home is also an image layer. An image is readable
// by every init.d script and every holder of `ipfs`, so the node's own
// files in that folder (its private key above all, authorized_keys, the
// IPFS repo, shell history) are left out of the image, each with a warning.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNode, cleanup, type NodeProcess } from './ww-node.js';

let node: NodeProcess;
const said = (text: string) => node.lines.some((l) => l.msg === `10-peek.glia: ${text}`);

beforeAll(async () => {
  const home = mkdtempSync(join(tmpdir(), 'ww-home-layer-'));
  mkdirSync(join(home, 'etc', 'init.d'), { recursive: true });
  writeFileSync(join(home, 'authorized_keys'), '# nobody\n');
  writeFileSync(join(home, 'history'), '(secret 1)\n');
  writeFileSync(join(home, 'notes.txt'), 'mine to share');
  writeFileSync(join(home, 'etc', 'init.d', '10-peek.glia'), `
(defn peek [f] (try (f) (catch _ e (:glia.error/type e))))
(println "identity" (peek #(count (load "/identity"))))
(println "ipfs identity" (peek #(perform ipfs :read "/identity")))
(println "history" (peek #(load-string "/history")))
(println "authorized_keys" (peek #(load-string "/authorized_keys")))
(println "notes" (load-string "/notes.txt"))
`);
  node = startNode({ home, args: [home, '--http-listen', 'off'] });
  await node.waitFor((l) => l.msg.startsWith('10-peek.glia: notes'), 90_000, 'the script reading the image');
}, 120_000);

afterAll(async () => { await cleanup(node); });

describe('the node\'s home as a layer', () => {
  it('leaves the node\'s key, authorized_keys, repo and history out of the image, and says so', () => {
    expect(said('notes mine to share')).toBe(true);
    for (const f of ['identity', 'ipfs identity', 'history', 'authorized_keys']) {
      const line = node.lines.find((l) => l.msg.startsWith(`10-peek.glia: ${f} `));
      expect(line?.msg, f).toMatch(/ :(node\/not-found|glia\.error\/[\w-]+)$|ipfs identity nil$/);
    }
    const warned = node.lines.filter((l) => l.level === 'warn' && /left out/.test(l.msg)).map((l) => l.msg);
    expect(warned.some((m) => /left out identity, the node's own private key/.test(m))).toBe(true);
    expect(warned.some((m) => /left out ipfs,/.test(m))).toBe(true);
    expect(warned.some((m) => /left out history,/.test(m))).toBe(true);
    expect(warned.some((m) => /left out authorized_keys,/.test(m))).toBe(true);
  });
});
