// The node's log: one line per event on stderr. Text for people
// (`2026-12-07T08:00:00.000Z info  ready in 812 ms peer_id=12D3...`), or
// one JSON object per line with --log-format json (time, level, msg and the
// event's fields) for machines.

export type LogLevel = 'info' | 'warn' | 'error';
export type LogFormat = 'text' | 'json';
export type LogFields = Record<string, unknown>;

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

export function createLogger(format: LogFormat, write: (line: string) => void = (l) => { process.stderr.write(l); }): Logger {
  const line = (level: LogLevel, msg: string, fields: LogFields = {}) => {
    const time = new Date().toISOString();
    if (format === 'json') { write(JSON.stringify({ time, level, msg, ...fields }, jsonSafe) + '\n'); return; }
    const kv = Object.entries(fields).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${textValue(v)}`).join(' ');
    // One event, one line: a message that spans lines (a script's output) is kept on one.
    write(`${time} ${level.padEnd(5)} ${msg.replace(/\r?\n/g, '\\n')}${kv ? ' ' + kv : ''}\n`);
  };
  return {
    info: (m, f) => line('info', m, f),
    warn: (m, f) => line('warn', m, f),
    error: (m, f) => line('error', m, f),
  };
}

function textValue(v: unknown): string {
  const s = Array.isArray(v) ? v.join(',') : typeof v === 'string' ? v : JSON.stringify(v, jsonSafe);
  return /^[^\s"=]+$/.test(s) ? s : JSON.stringify(s);
}

function jsonSafe(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}

/** A logger that drops everything (tests, embedding). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
