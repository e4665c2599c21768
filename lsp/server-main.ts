// The language server's own entry point: `node dist/lsp/server-main.js
// --stdio`. The VS Code extension bundles and starts this file, so the
// server works without a global `ww`. The polyfill must load before any
// other module (ES imports are hoisted), so the server is imported
// dynamically after it; a promise chain rather than top-level await keeps
// the file bundleable to CommonJS too.
import './polyfill.js';

void import('./server.js').then((m) => m.startStdioServer());
