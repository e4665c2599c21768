// The address of one of the node's HTTP servers, as given on the command
// line (`--http-listen`, `--with-http-admin`): HOST:PORT, [IPv6]:PORT, or
// a bare PORT on 127.0.0.1; `off` for no server. Loopback is what a
// server binds to unless told otherwise, and binding elsewhere is worth a
// line in the log: it puts the server on the network.
import { isIP } from 'node:net';
import { NodeError } from './errors.js';

export interface HttpAddr { host: string; port: number }

/** The address, or null for `off`. Bad input is a node/http error naming the flag. */
export function parseHttpAddr(text: string, flag: string): HttpAddr | null {
  const s = text.trim();
  if (s === 'off') return null;
  const bad = (why: string) => new NodeError('node/http', `${flag} ${JSON.stringify(text)}: ${why}`,
    `give HOST:PORT (127.0.0.1:2080, [::1]:2080), a port, or off`);
  let host: string, portText: string;
  const v6 = /^\[([^\]]+)\]:(\d+)$/.exec(s);
  if (v6) { host = v6[1]!; portText = v6[2]!; if (isIP(host) !== 6) throw bad(`${host} is not an IPv6 address`); }
  else if (/^\d+$/.test(s)) { host = '127.0.0.1'; portText = s; }
  else {
    const at = s.lastIndexOf(':');
    if (at <= 0) throw bad('no port');
    host = s.slice(0, at); portText = s.slice(at + 1);
    if (host.includes(':')) throw bad('an IPv6 address goes in brackets, as [::1]:2080');
    if (!/^\d+$/.test(portText)) throw bad(`the port ${JSON.stringify(portText)} is not a number`);
    if (!isIP(host) && !/^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?$/.test(host)) throw bad(`${JSON.stringify(host)} is not a host`);
  }
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw bad(`the port ${portText} is out of range`);
  return { host, port };
}

/** True for 127.0.0.0/8, ::1 (and its IPv4-mapped forms) and localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/** The error for a server that could not bind: a busy port names the flag that moves it. */
export function bindError(e: unknown, addr: HttpAddr, flag: string, what: string): NodeError {
  const code = (e as NodeJS.ErrnoException)?.code;
  const where = `${addr.host.includes(':') ? `[${addr.host}]` : addr.host}:${addr.port}`;
  if (code === 'EADDRINUSE') {
    return new NodeError('node/port-in-use', `${what} cannot listen on ${where}: the port is taken by another process`,
      `stop that process, or give another address: ${flag} HOST:PORT`);
  }
  return new NodeError('node/http', `${what} cannot listen on ${where}: ${(e as Error)?.message ?? e}`,
    `check the address given to ${flag}`);
}
