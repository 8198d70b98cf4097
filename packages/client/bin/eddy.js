#!/usr/bin/env node
// Thin launcher so the bin exists before the first build; the CLI itself is compiled TypeScript.
await import('../dist/cli/main.js');
