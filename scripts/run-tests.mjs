#!/usr/bin/env node
// Runs Eddy's tests on the compiled output: unit tests (next to the code) in parallel, then the
// cluster tests in test/ one file at a time (they start real processes). Ends with the line
// `N passed, N failed` and exits non-zero on any failure.
//   node scripts/run-tests.mjs            all tests
//   node scripts/run-tests.mjs --unit     unit tests only
//   node scripts/run-tests.mjs FILTER     only files whose path contains FILTER
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const filter = args.find((a) => !a.startsWith('--'));

function find(dir, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) find(p, out);
    else if (e.name.endsWith('.test.js')) out.push(p);
  }
  return out.sort();
}

const unit = fs
  .readdirSync(path.join(root, 'packages'))
  .flatMap((p) => find(path.join(root, 'packages', p, 'dist')))
  .filter((f) => !filter || f.includes(filter));
const cluster = unitOnly ? [] : find(path.join(root, 'test', 'dist')).filter((f) => !filter || f.includes(filter));

function run(files, concurrency) {
  if (files.length === 0) return Promise.resolve({ passed: 0, failed: 0, code: 0 });
  const summaryFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-tests-')), 'summary');
  const child = spawn(
    process.execPath,
    [
      '--test',
      `--test-concurrency=${concurrency}`,
      '--test-timeout=600000',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      `--test-reporter=${path.join(root, 'scripts', 'summary-reporter.mjs')}`,
      `--test-reporter-destination=${summaryFile}`,
      ...files,
    ],
    { cwd: root, stdio: 'inherit' },
  );
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      const line = fs.existsSync(summaryFile) ? fs.readFileSync(summaryFile, 'utf8') : '';
      const m = /(\d+) passed, (\d+) failed/.exec(line);
      const passed = m ? Number(m[1]) : 0;
      const failed = m ? Number(m[2]) : 1;
      resolve({ passed, failed: code === 0 || failed > 0 ? failed : failed + 1, code: code ?? (signal ? 1 : 0) });
    });
  });
}

const started = Date.now();
const a = await run(unit, Math.max(1, Math.min(2, os.availableParallelism())));
const b = await run(cluster, 1);
const passed = a.passed + b.passed;
const failed = a.failed + b.failed;
console.log(`\ntests took ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || a.code !== 0 || b.code !== 0 ? 1 : 0);
