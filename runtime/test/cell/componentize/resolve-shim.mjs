// Module resolution hook for the fixture build only. componentize-js
// 0.23.0 imports @bytecodealliance/preview2-shim, which it lists as an
// optional peer dependency; npm installed that package only inside jco's
// own node_modules, so from componentize-js it does not resolve. This
// resolves it from there. (The lasting fix is a root dependency on
// @bytecodealliance/preview2-shim@0.26.1.)
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const fromJco = pathToFileURL(createRequire(import.meta.url).resolve('@bytecodealliance/jco')).href;

export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (e) {
    if (!specifier.startsWith('@bytecodealliance/preview2-shim')) throw e;
    return next(specifier, { ...context, parentURL: fromJco });
  }
}
