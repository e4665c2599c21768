// Runs an example's README commands for its end-to-end test: `ww run ...`
// as a real node (runtime/test/node/ww-node.ts's startNode, which appends
// the test-only flags: loopback, ports from 0, a temp home, no mDNS, JSON
// logs), and `curl ...` as fetch() with the same method, body and URL.
// Not a test file itself.
import { expect } from 'vitest';
import { startNode, type NodeProcess, type LogLine } from '../../runtime/test/node/ww-node.js';

/** `ww run LAYER... FLAGS...` from a README command's words. */
export function wwRun(words: string[], opts: { home?: string } = {}): NodeProcess {
  if (words[0] !== 'ww' || words[1] !== 'run') throw new Error(`not a ww run command: ${words.join(' ')}`);
  return startNode({ args: words.slice(2), ...opts });
}

export interface CurlResult { status: number; headers: Headers; body: string }

/** `curl [-s] [-i] [-X METHOD] [-d DATA] URL`, as fetch() does it. */
export async function curl(words: string[], ms = 60_000): Promise<CurlResult> {
  if (words[0] !== 'curl') throw new Error(`not a curl command: ${words.join(' ')}`);
  let method: string | undefined;
  let body: string | undefined;
  let url: string | undefined;
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (w === '-X') method = words[++i];
    else if (w === '-d') body = words[++i];
    else if (/^-[si]+$/.test(w)) continue; // silent, headers shown: no effect on the request
    else if (w.startsWith('-')) throw new Error(`the test's curl does not know ${w}`);
    else url = w;
  }
  if (!url) throw new Error(`curl without a URL: ${words.join(' ')}`);
  if (!/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(url)) throw new Error(`not a loopback URL: ${url}`);
  const r = await fetch(url, {
    method: method ?? (body !== undefined ? 'POST' : 'GET'),
    ...(body !== undefined ? { body, headers: { 'content-type': 'application/x-www-form-urlencoded' } } : {}),
    signal: AbortSignal.timeout(ms),
  });
  return { status: r.status, headers: r.headers, body: await r.text() };
}

/** A line an init.d script printed: `NAME: text` from etc/init.d/NAME. */
export const said = (script: string, text: string | RegExp) => (l: LogLine): boolean =>
  l.script === `etc/init.d/${script}` && (typeof text === 'string' ? l.msg === `${script}: ${text}` : text.test(l.msg));

/** The node's first swarm address on 127.0.0.1, as it logged it (ends in /p2p/ID). */
export async function loopbackAddr(n: NodeProcess): Promise<string> {
  const a = (await n.addrs()).find((x) => x.startsWith('/ip4/127.0.0.1/'));
  if (!a) throw new Error(`the node logged no 127.0.0.1 address: ${(await n.addrs()).join(' ')}`);
  return a;
}

/** The WAGI address the node logged (`127.0.0.1:PORT`), without the scheme. */
export async function wagiAddr(n: NodeProcess): Promise<string> {
  return (await n.http()).replace(/^http:\/\//, '');
}

/**
 * Checks that a node started on an example whose cell was never built
 * (`unbuilt`, a copy of the example without bin/NAME.wasm) logs, for its
 * init.d script, the `ww build` that makes the cell, and stays up.
 */
export async function expectUnbuiltHint(bare: NodeProcess, script: string, wasm: string, unbuilt: string): Promise<void> {
  const line = await bare.waitFor((l) => l.script === `etc/init.d/${script}` && l.level === 'error', 90_000, 'the script failing');
  expect(line.msg).toContain(`cannot load /bin/${wasm}: /bin/${wasm} is not in the image`);
  expect(line.hint).toBe(`bin/${wasm} is what \`ww build ${unbuilt}\` makes of the cell project there: run it, then start the node again`);
  expect(bare.child.exitCode).toBeNull();
}
