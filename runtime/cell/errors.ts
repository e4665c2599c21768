// The one catalog of cell errors. Every way a cell can fail to load or be
// stopped is a CellError with a code from CELL_ERRORS; the code doubles as
// the Glia error type (`:cell/timeout`, ...), so a Glia `try` sees the same
// thing `ww cell run` prints. Worker threads send these across as plain
// data (`toData`/`fromData`), because Error subclasses do not survive
// structured cloning. (Worker code imports this file, so it stays free of
// Glia; glia-error.ts turns a CellError into a Glia error value.)

export const CELL_ERRORS = {
  /** The bytes are not a WebAssembly component (garbage, truncated, a core module). */
  'cell/invalid': 'not a loadable WebAssembly component',
  /** The component imports something the host does not provide. */
  'cell/denied-import': 'the component imports something cells are not given',
  /** The component has no entry point for the requested mode. */
  'cell/no-entry': 'the component has no entry point a cell can run',
  /** The wall-clock or CPU-time budget ran out. */
  'cell/timeout': 'the cell ran out of time',
  /** The cell tried to grow its memory past the ceiling (or the host side of it ran out of heap). */
  'cell/memory': 'the cell exceeded its memory ceiling',
  /** The cell wrote more to stdout and stderr together than allowed. */
  'cell/output-limit': 'the cell wrote more output than allowed',
  /** The cell trapped (unreachable, out-of-bounds access, stack overflow, ...). */
  'cell/trap': 'the cell trapped',
  /** Someone called kill() on the process. */
  'cell/killed': 'the cell was killed',
  /** The http-mode cell's stdout is not a valid CGI response. */
  'cell/bad-cgi': 'the cell wrote an invalid CGI response',
  /** The component's ww:grants section is not a valid list of grants, or a declared grant cannot be given. */
  'cell/bad-grants': 'the cell\'s grants are invalid',
  /** The spawn asked for something that cannot be done (a bad limit, an unknown mode). */
  'cell/bad-spawn': 'invalid spawn options',
  /** The worker thread that ran the cell died for a reason of the host's own. */
  'cell/host-failure': 'the cell host failed',
} as const;

export type CellErrorCode = keyof typeof CELL_ERRORS;

export interface CellErrorData {
  code: CellErrorCode;
  message: string;
  hint?: string;
  /** Extra facts (the limit that was hit, the denied imports, ...); JSON-safe. */
  details?: Record<string, unknown>;
}

export class CellError extends Error {
  readonly code: CellErrorCode;
  readonly hint?: string;
  readonly details: Record<string, unknown>;
  constructor(code: CellErrorCode, message: string, details: Record<string, unknown> = {}, hint?: string) {
    super(message);
    this.name = 'CellError';
    this.code = code;
    this.details = details;
    if (hint !== undefined) this.hint = hint;
  }

  toData(): CellErrorData {
    const d: CellErrorData = { code: this.code, message: this.message };
    if (this.hint !== undefined) d.hint = this.hint;
    if (Object.keys(this.details).length) d.details = this.details;
    return d;
  }

  static fromData(d: CellErrorData): CellError {
    return new CellError(d.code, d.message, d.details ?? {}, d.hint);
  }

  /** One line, as `ww` prints it: `error[cell/timeout]: ...`, then the hint. */
  format(): string {
    return `error[${this.code}]: ${this.message}` + (this.hint ? `\nhint: ${this.hint}` : '');
  }
}

export function isCellErrorData(v: unknown): v is CellErrorData {
  return typeof v === 'object' && v !== null && typeof (v as any).code === 'string' && (v as any).code in CELL_ERRORS
    && typeof (v as any).message === 'string';
}
