/**
 * `npm run bench`: every benchmark in sequence, one report. Numbers are reported, not asserted:
 * each target is printed beside its measurement with PASS or MISS, and the exit code is 0 unless
 * a benchmark could not run at all.
 *
 * Environment: `EDDY_BENCH_EVENTS` (throughput events, default 25 000 000),
 * `EDDY_BENCH_LATENCY_RATE` (overrides the latency benchmark's rate, default half the measured
 * throughput), `EDDY_BENCH_CHECKPOINT_EVENTS` (events of each checkpointing-overhead run, default
 * 20 000 000), `EDDY_BENCH_CHECKPOINT_PAIRS` (pairs of overhead runs one after the other, default 5),
 * `EDDY_BENCH_CHECKPOINT_SIDE_PAIRS` (side-by-side pairs of overhead runs, default 3),
 * `EDDY_BENCH_RECOVERY_RUNS` (kill-and-recover runs, default 3),
 * `EDDY_BENCH_WINDOW_EVENTS` (events of the windows throughput run, default 5 000 000),
 * `EDDY_BENCH_WINDOW_RATE` (rate of the windows latency runs, default half the median measured throughput),
 * `EDDY_BENCH_WINDOW_RUNS` (runs of each windows part, default 3; the median run is reported),
 * `EDDY_BENCH_WORKER_NODE_ARGS` (node flags for worker processes, e.g. `--cpu-prof`),
 * `EDDY_BENCH_COORDINATOR_NODE_ARGS` (node flags for the coordinator),
 * `EDDY_LOG_LEVEL` (cluster processes' log level, default warn).
 */
import * as os from 'node:os';
import {
  formatDurations,
  formatOverhead,
  formatRecoveries,
  formatSideBySide,
  runLargeStateBenchmark,
  runOverheadBenchmark,
  runSideBySideOverhead,
} from './checkpoints.js';
import { DEFAULT_RATE, formatLatency, runLatencyBenchmark } from './latency.js';
import { envInt } from './support/report.js';
import { THROUGHPUT_TARGET, formatThroughput, runThroughputBenchmark } from './throughput.js';
import { formatWindows, runWindowsBenchmark, windowsRanFully } from './windows.js';

function header(): string[] {
  const cpus = os.cpus();
  return [
    'Eddy benchmarks',
    `  ${new Date().toISOString()}  node ${process.version}  ${os.platform()} ${os.arch()}`,
    `  ${cpus.length} CPU(s): ${cpus[0]?.model.trim() ?? 'unknown'}; ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM`,
    '  each benchmark starts its own coordinator and 2 worker processes; this process only submits and polls',
  ];
}

function describeFailure(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

async function main(): Promise<number> {
  let failures = 0;
  console.log(header().join('\n'));

  console.log('\n[1/5] running the throughput benchmark…');
  let maxRate: number | undefined;
  try {
    const t = await runThroughputBenchmark();
    maxRate = t.eddy.eventsPerSecond;
    console.log(formatThroughput(t).join('\n'));
  } catch (err) {
    failures++;
    console.log(`  throughput benchmark FAILED: ${describeFailure(err)}`);
  }

  const override = process.env.EDDY_BENCH_LATENCY_RATE;
  const rate =
    override !== undefined && override !== ''
      ? envInt('EDDY_BENCH_LATENCY_RATE', DEFAULT_RATE)
      : Math.round((maxRate ?? THROUGHPUT_TARGET) / 2);
  const why =
    override !== undefined && override !== ''
      ? 'EDDY_BENCH_LATENCY_RATE'
      : maxRate !== undefined
        ? 'half the measured maximum'
        : 'half the throughput target (no measurement)';
  console.log(`\n[2/5] running the latency benchmark at ${rate.toLocaleString('en-US')} ev/s (${why})…`);
  try {
    console.log(formatLatency(await runLatencyBenchmark({ rate })).join('\n'));
  } catch (err) {
    failures++;
    console.log(`  latency benchmark FAILED: ${describeFailure(err)}`);
  }

  console.log('\n[3/5] running the checkpointing-overhead benchmark (without and with checkpoints: one after the other, then side by side)…');
  try {
    console.log(formatOverhead(await runOverheadBenchmark()).join('\n'));
    console.log(formatSideBySide(await runSideBySideOverhead()).join('\n'));
  } catch (err) {
    failures++;
    console.log(`  checkpointing-overhead benchmark FAILED: ${describeFailure(err)}`);
  }

  console.log('\n[4/5] running the checkpoint-duration and recovery benchmarks with ~100 MB of state…');
  try {
    const r = await runLargeStateBenchmark();
    console.log([...formatDurations(r.durations), '', ...formatRecoveries(r)].join('\n'));
    if (r.recoveryError !== undefined) failures++;
  } catch (err) {
    failures++;
    console.log(`  checkpoint-duration benchmark FAILED: ${describeFailure(err)}`);
  }

  console.log('\n[5/5] running the event-time windows benchmark (throughput, then result latency)…');
  try {
    const w = await runWindowsBenchmark();
    console.log(formatWindows(w).join('\n'));
    if (!windowsRanFully(w)) failures++;
  } catch (err) {
    failures++;
    console.log(`  event-time windows benchmark FAILED: ${describeFailure(err)}`);
  }
  return failures === 0 ? 0 : 1;
}

process.exitCode = await main();
