// Loaded before every test file: the same Node 20 polyfills the bin loads.
import '../runtime/polyfill.js';
