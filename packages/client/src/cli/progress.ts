/**
 * The live progress line `eddy local` draws on a terminal: job state, records in and out,
 * throughput and elapsed time, redrawn in place with `\r` and "clear line".
 */
import type { JobStatus__Output, OperatorStatus__Output } from '@eddy/common';
import { formatCount, formatDuration } from './format.js';

/** ANSI: carriage return + erase the whole line. */
const CLEAR_LINE = '\r\x1b[2K';

/** Records that entered the job (sources' output) and left it (sinks' input). */
export interface RecordTotals {
  readonly recordsIn: number;
  readonly recordsOut: number;
}

/**
 * Whether an operator is a source or a sink. OperatorStatus carries no kind today, so this uses
 * one when a future protocol adds it, else the API's naming (`Source: …`), else position: the
 * operators come in graph creation order, so the first is a source and the last a sink.
 */
function classify(ops: readonly OperatorStatus__Output[]): { sources: OperatorStatus__Output[]; sinks: OperatorStatus__Output[] } {
  const kindOf = (o: OperatorStatus__Output): unknown => (o as { kind?: unknown }).kind;
  if (ops.some((o) => typeof kindOf(o) === 'string' && kindOf(o) !== '')) {
    return { sources: ops.filter((o) => kindOf(o) === 'source'), sinks: ops.filter((o) => kindOf(o) === 'sink') };
  }
  const named = ops.filter((o) => o.name.startsWith('Source:'));
  const first = ops[0];
  const last = ops[ops.length - 1];
  return {
    sources: named.length > 0 ? named : first ? [first] : [],
    sinks: last ? [last] : [],
  };
}

/** Sums the sources' records out and the sinks' records in of a job status. */
export function recordTotals(status: JobStatus__Output): RecordTotals {
  const { sources, sinks } = classify(status.operators ?? []);
  return {
    recordsIn: sources.reduce((sum, o) => sum + Number(o.recordsOut), 0),
    recordsOut: sinks.reduce((sum, o) => sum + Number(o.recordsIn), 0),
  };
}

/** Throughput over a sliding window of samples of a growing counter. */
export class RateMeter {
  private readonly samples: { t: number; v: number }[] = [];

  constructor(private readonly windowMs = 2000) {}

  /**
   * Adds a sample taken at `t` (ms) and returns the rate in units per second over the window,
   * 0 until two samples exist.
   */
  add(t: number, value: number): number {
    this.samples.push({ t, v: value });
    while (this.samples.length > 2 && t - this.samples[0]!.t > this.windowMs) this.samples.shift();
    const first = this.samples[0]!;
    const dt = t - first.t;
    return dt > 0 ? Math.max(0, ((value - first.v) * 1000) / dt) : 0;
  }
}

/** The text of the progress line, e.g. `RUNNING     in 1,200  out 1,180  412 rec/s  3.1s`. */
export function progressText(state: string, totals: RecordTotals, ratePerSec: number, elapsedMs: number): string {
  return [
    state.padEnd(10),
    `in ${formatCount(totals.recordsIn)}`,
    `out ${formatCount(totals.recordsOut)}`,
    `${formatCount(ratePerSec)} rec/s`,
    formatDuration(elapsedMs),
  ].join('  ');
}

/** Minimal view of a terminal stream. */
export interface TerminalStream {
  write(text: string): boolean;
  readonly columns?: number;
}

/** One line redrawn in place at the bottom of a terminal; cleared before anything else is printed. */
export class ProgressLine {
  private shown = false;

  constructor(private readonly stream: TerminalStream) {}

  /** Replaces the line's text (cut to the terminal width so it never wraps). */
  show(text: string): void {
    // A pseudo-terminal may report 0 columns; assume the classic 80 then.
    const columns = this.stream.columns !== undefined && this.stream.columns > 0 ? this.stream.columns : 80;
    const width = Math.max(10, columns - 1);
    this.stream.write(CLEAR_LINE + (text.length > width ? text.slice(0, width) : text));
    this.shown = true;
  }

  /** Erases the line if it is shown. */
  clear(): void {
    if (!this.shown) return;
    this.stream.write(CLEAR_LINE);
    this.shown = false;
  }
}
