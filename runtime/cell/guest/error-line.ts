// One line for an error that escaped a Glia cell's entry function, in the
// form every ww tool prints: `error[type]: message  --> file:line:col`.
// (runtime/cli/report.ts does the same with code frames, but reads files.)
import { Map as IMap } from 'immutable';
import { GliaError, ERR_TYPE, ERR_MESSAGE, messageOf } from '../../../glia/values/errors.js';
import { Keyword } from '../../../glia/values/keyword.js';
import { prStr } from '../../../glia/values/printer.js';

export function errorLine(e: unknown): string {
  if (!(e instanceof GliaError)) return `error[internal]: ${e instanceof Error ? e.message : messageOf(e)}`;
  const v = e.value;
  let code = 'thrown';
  let message = `uncaught value: ${prStr(v)}`;
  if (IMap.isMap(v)) {
    const t = (v as IMap<any, any>).get(ERR_TYPE);
    if (t instanceof Keyword) code = t.ns === 'glia.error' ? t.name : t.fqn;
    const m = (v as IMap<any, any>).get(ERR_MESSAGE);
    if (typeof m === 'string') message = m;
  }
  const at = e.span ? `  --> ${e.span.file}:${e.span.line}:${e.span.col}` : '';
  return `error[${code}]: ${message}${at}`;
}
