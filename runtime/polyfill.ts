// Loaded first by every runtime entry point (bin/ww.js, the test setup):
// the ES2024 built-ins Node 20 lacks.
import '../glia/es2024-shim.js';
