/**
 * Whole-line forwarding of child process output. Several workers write to pipes concurrently; by
 * buffering each pipe separately and writing only complete lines, two workers' lines never mix.
 */
import { StringDecoder } from 'node:string_decoder';
import type { ProgressLine } from './progress.js';

/** Splits a byte stream into lines; keeps the unfinished tail (and split UTF-8 characters) for later. */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private tail = '';

  /** Adds a chunk and returns the lines it completed, without their `\n` (a `\r` before it is kept). */
  push(chunk: Buffer | string): string[] {
    const text = this.tail + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    const parts = text.split('\n');
    this.tail = parts.pop() ?? '';
    return parts;
  }

  /** Returns the unfinished last line, if any, at the end of the stream. */
  end(): string | undefined {
    const rest = this.tail + this.decoder.end();
    this.tail = '';
    return rest === '' ? undefined : rest;
  }
}

/** A writable the console can use (process.stdout / process.stderr or a test double). */
export interface LineSink {
  write(text: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

/**
 * Writes whole lines to stdout or stderr, erasing the progress line first so that output never
 * lands in the middle of it.
 */
export class ConsoleOutput {
  constructor(
    private readonly stdout: LineSink,
    private readonly stderr: LineSink,
    private readonly progress?: ProgressLine,
  ) {}

  /**
   * Writes lines to stdout in one write.
   * @returns false when stdout is backed up; call {@link onStdoutDrain} before writing more.
   */
  stdoutLines(lines: readonly string[]): boolean {
    if (lines.length === 0) return true;
    this.progress?.clear();
    return this.stdout.write(lines.join('\n') + '\n');
  }

  /** Writes lines to stderr in one write. */
  stderrLines(lines: readonly string[]): void {
    if (lines.length === 0) return;
    this.progress?.clear();
    this.stderr.write(lines.join('\n') + '\n');
  }

  /** Calls `resume` once stdout accepts more data. */
  onStdoutDrain(resume: () => void): void {
    this.stdout.once('drain', resume);
  }
}

/** pino's numeric level of `warn`. */
export const WARN_LEVEL = 40;

/**
 * Whether a worker's stderr line is shown: pino JSON lines only at `minLevel` or above; anything
 * else (pretty logs, crash traces from Node itself) always, because it is never routine.
 */
export function isShownLogLine(line: string, minLevel: number): boolean {
  if (minLevel <= 0 || !line.startsWith('{')) return true;
  try {
    const level = (JSON.parse(line) as { level?: unknown }).level;
    return typeof level !== 'number' || level >= minLevel;
  } catch {
    return true;
  }
}
