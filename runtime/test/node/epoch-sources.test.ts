// The IPNS epoch source and the node's adopter, in-process with a
// resolver and a host the test controls (the real node runs them in
// epoch-ipns.test.ts and epoch-admin.test.ts): polls never overlap, a
// failed resolution or adoption is tried again at the next poll, an
// unchanged path is not adopted twice, stop() ends polling and aborts a
// resolution in flight; the adopter takes events one at a time in order,
// chains the heads, and keeps the epoch when an image does not load.
import { describe, it, expect } from 'vitest';
import { IpnsEpochSource } from '../../node/epochs/ipns.js';
import { EpochAdopter, type AdoptionHost } from '../../node/epochs/adopt.js';
import type { EpochEvent } from '../../node/epochs/source.js';
import { Epoch } from '../../membrane/epoch.js';
import { epochHead } from '../../membrane/epoch-head.js';
import { NodeError } from '../../node/errors.js';
import { Image } from '../../node/image.js';
import type { Logger } from '../../node/log.js';

function recorder(): Logger & { lines: Array<[string, string, Record<string, unknown>]> } {
  const lines: Array<[string, string, Record<string, unknown>]> = [];
  return {
    lines,
    info: (m, f = {}) => { lines.push(['info', m, f]); },
    warn: (m, f = {}) => { lines.push(['warn', m, f]); },
    error: (m, f = {}) => { lines.push(['error', m, f]); },
  };
}

/** Resolves once `pred` holds, checking every 10 ms; rejects after `ms`. */
async function until(pred: () => boolean, ms = 10_000, what = 'the condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`${what} did not hold within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const NAME = '/ipns/12D3KooWBmAwcd4PJNJvfV89HwE48nwkRmAgo8Vy3uQEyNNHBox2';

describe('IpnsEpochSource', () => {
  it('polls without overlap, adopts each new path once, and retries failures at the next poll', async () => {
    let target = '/ipfs/bafkqaaa';
    let inFlight = 0, maxInFlight = 0, calls = 0, failNext = 0;
    const log = recorder();
    const source = new IpnsEpochSource({
      name: NAME, pollMs: 100, log,
      resolve: async () => {
        calls++; inFlight++; maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          await new Promise((r) => setTimeout(r, 250)); // longer than the poll
          if (failNext > 0) { failNext--; throw new NodeError('node/ipns', 'no record'); }
          return target;
        } finally { inFlight--; }
      },
    });
    expect(await source.initial()).toBe('/ipfs/bafkqaaa');
    const events: EpochEvent[] = [];
    let refuse = 1;
    source.start(async (e) => { events.push(e); if (refuse-- > 0) throw new Error('image did not load'); });
    await until(() => calls >= 4, 10_000, 'four polls');
    expect(events).toHaveLength(0); // the booted path is not adopted again
    target = '/ipfs/bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy';
    failNext = 1;
    // The first adoption of the new path is refused, so it is offered again.
    await until(() => events.length >= 2, 10_000, 'the new path offered twice');
    const seen = calls;
    await until(() => calls >= seen + 3, 10_000, 'three more polls');
    await source.stop();
    expect(events.map((e) => e.image)).toEqual([target, target]);
    expect(events[0]).toMatchObject({ source: 'ipns', reason: `${NAME} now points at ${target}` });
    expect(maxInFlight).toBe(1);
    expect(log.lines.some(([lvl, m, f]) => lvl === 'warn' && /did not resolve; trying again at the next poll: error\[node\/ipns\]: no record/.test(m) && f.code === 'node/ipns')).toBe(true);
    // Stopped: no more polls.
    const after = calls;
    await new Promise((r) => setTimeout(r, 400));
    expect(calls).toBe(after);
  });

  it('stop() aborts a resolution in flight and never adopts after it', async () => {
    let aborted = false;
    let adopted = 0;
    const source = new IpnsEpochSource({
      name: NAME, pollMs: 100, log: recorder(),
      resolve: (_n, signal) => new Promise((_, reject) => signal.addEventListener('abort', () => { aborted = true; reject(new Error('aborted')); })),
    });
    source.start(async () => { adopted++; });
    await until(() => (source as unknown as { inFlight: unknown }).inFlight !== null, 5_000, 'a poll in flight');
    await source.stop();
    expect(aborted).toBe(true);
    expect(adopted).toBe(0);
  });

  it('boots without the name when it does not resolve, and refuses a name that is not one', async () => {
    const log = recorder();
    const quiet = new IpnsEpochSource({ name: NAME, log, resolve: async () => { throw new NodeError('node/not-found', 'not found'); } });
    expect(await quiet.initial()).toBe(null);
    expect(log.lines.find(([lvl]) => lvl === 'warn')?.[1]).toMatch(/does not resolve yet: error\[node\/not-found\]/);
    const bad = new IpnsEpochSource({ name: 'nope', log, resolve: async () => { throw new NodeError('node/bad-key', '"nope" is not an IPNS name'); } });
    await expect(bad.initial()).rejects.toMatchObject({ code: 'node/bad-key', message: expect.stringMatching(/^--epoch-ipns nope: /) });
    expect(() => new IpnsEpochSource({ name: NAME, pollMs: 99, log, resolve: async () => '' })).toThrow(/at least 100/);
  });
});

describe('EpochAdopter', () => {
  function host(opts: { failImage?: string } = {}) {
    const epoch = new Epoch('', 'boot');
    const log = recorder();
    const calls: string[] = [];
    let image = new Image(new Map(), ['/user']);
    const h: AdoptionHost = {
      epoch, log,
      loadImage: async (path) => {
        calls.push(`load ${path}`);
        await new Promise((r) => setTimeout(r, 30));
        if (path === opts.failImage) throw new NodeError('node/not-found', `layer ${path} could not be fetched`);
        return new Image(new Map(), [path, '/user']);
      },
      setImage: (i, path) => { image = i; calls.push(`set ${path}`); },
      startInit: async (i) => { calls.push(`start ${i.layers.join('+')} at ${epoch.seq}`); await new Promise((r) => setTimeout(r, 20)); },
      stopInit: async () => { calls.push(`stop at ${epoch.seq}`); },
      currentImage: () => image,
    };
    return { h, epoch, log, calls };
  }

  it('adopts one at a time, in order, chaining the heads; a failing image keeps the epoch', async () => {
    const { h, epoch, log, calls } = host({ failImage: '/ipfs/bad' });
    const a = new EpochAdopter(h);
    const results = await Promise.all([
      a.adopt({ source: 'admin', reason: 'one', image: null }),
      a.adopt({ source: 'ipns', reason: 'two', image: '/ipfs/good' }),
      a.adopt({ source: 'ipns', reason: 'bad', image: '/ipfs/bad' }),
      a.adopt({ source: 'admin', reason: 'three', image: null }),
    ]);
    expect(results.map((r) => r?.seq ?? null)).toEqual([1n, 2n, null, 3n]);
    expect(calls).toEqual([
      'stop at 1', 'start /user at 1',
      'load /ipfs/good', 'set /ipfs/good', 'stop at 2', 'start /ipfs/good+/user at 2',
      'load /ipfs/bad',
      'stop at 3', 'start /ipfs/good+/user at 3',
    ]);
    const [one, two, , three] = results;
    expect(two!.previousHead).toBe(one!.head);
    expect(three!.previousHead).toBe(two!.head);
    expect(three!.head).toBe(epochHead({ seq: 3n, previousHead: two!.head, source: 'admin', reason: 'three', adoptedAtMs: three!.adoptedAtMs }));
    expect(epoch.seq).toBe(3n);
    const err = log.lines.find(([lvl]) => lvl === 'error')!;
    expect(err[1]).toMatch(/^epoch from ipns not adopted: its image \/ipfs\/bad did not load: error\[node\/not-found\]: .*; epoch 2 stays$/);
    expect(err[2]).toMatchObject({ code: 'node/epoch', cause: 'node/not-found' });
    expect(log.lines.filter(([, m]) => / adopted from /.test(m)).map(([, , f]) => f.epoch_seq)).toEqual(['1', '2', '3']);
  });

  it('once closed (the node stopping), adopts nothing more', async () => {
    const { h, epoch } = host();
    const a = new EpochAdopter(h);
    a.close();
    expect(await a.adopt({ source: 'admin', reason: 'late', image: null })).toBe(null);
    expect(epoch.seq).toBe(0n);
  });
});
