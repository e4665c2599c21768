// Loaded first by the language server's own entry point (lsp/server-main.ts),
// so the VS Code extension can start the server without `ww`.
import '../glia/es2024-shim.js';
