/**
 * Large-state job for the checkpoint-duration and recovery benchmarks:
 * `key-space source → keyBy → reduce (count + latest payload) → DiscardingSink`.
 *
 * The source first emits one record for every key as fast as backpressure allows, so the keyed
 * state reaches its full size within seconds, then keeps updating keys at a fixed rate forever
 * (the bench cancels the job). Every value carries a payload string, so with the default
 * arguments the state is about 1 000 000 keys × 100 bytes (key and value as the record codec
 * writes them) ≈ 100 MB. Payloads are drawn from a pool of pseudo-random strings, so that a
 * backend that compresses its files cannot shrink the state to nothing.
 *
 * Arguments: `--keys K` (default 1 000 000), `--payload CHARS` (default 72), `--rate EV/S` of
 * the update phase, all subtasks together (default 100 000), `--checkpoint-interval MS`
 * (default 1000). The restart strategy is the default of a checkpointed job (restart without
 * limit after 500 ms), as a user would run it.
 */
import {
  DiscardingSink,
  type InputStatus,
  type ReaderOutput,
  type RuntimeContext,
  type Source,
  type SourceReader,
  type SourceSplit,
  type StreamExecutionEnvironment,
} from '@eddy/api';
import { intArg } from './job-args.js';

/** A key's state: updates so far and the payload of the latest one. */
export interface KeyState {
  readonly k: number;
  readonly c: number;
  readonly p: string;
}

/** Operator name of the reduce, to find its counters in the job status. */
export const STATE_OPERATOR = 'Large State';
/** Most records one pollNext emits, as the SourceReader contract asks (~1000). */
const MAX_BATCH = 500;
/** Distinct payload strings; a power of two. */
const POOL_SIZE = 4096;
/** 64 characters, so each payload character is 6 random bits. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** One source subtask's share of the key space, with its position. */
interface KeySpaceSplit extends SourceSplit {
  /** Subtask index this split was made for, and how many splits there are. */
  readonly part: number;
  readonly parts: number;
  /** Records emitted so far; the next one updates key `part + (emitted mod ownKeys) · parts`. */
  emitted: number;
}

/** Deterministic payloads (xorshift32), so every process and every attempt draws the same pool. */
function payloadPool(chars: number): string[] {
  let x = 0x9e3779b9;
  const pool: string[] = [];
  for (let i = 0; i < POOL_SIZE; i++) {
    let s = '';
    for (let j = 0; j < chars; j++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      s += ALPHABET[(x >>> 0) & 63];
    }
    pool.push(s);
  }
  return pool;
}

class KeySpaceSource implements Source<KeyState, KeySpaceSplit> {
  readonly boundedness = 'CONTINUOUS_UNBOUNDED';

  constructor(
    private readonly keys: number,
    private readonly payloadChars: number,
    private readonly ratePerSecond: number,
  ) {}

  createSplits(parallelism: number): KeySpaceSplit[] {
    return Array.from({ length: parallelism }, (_v, i) => ({ splitId: String(i), part: i, parts: parallelism, emitted: 0 }));
  }

  createReader(ctx: RuntimeContext): SourceReader<KeyState, KeySpaceSplit> {
    return new KeySpaceReader(this.keys, payloadPool(this.payloadChars), this.ratePerSecond / ctx.parallelism);
  }
}

class KeySpaceReader implements SourceReader<KeyState, KeySpaceSplit> {
  private split: KeySpaceSplit | undefined;
  private ownKeys = 0;
  /** `performance.now()` when the update phase began here, and `emitted` at that moment. */
  private rateStart = -1;
  private rateBase = 0;
  private readonly ratePerMs: number;

  constructor(
    private readonly keys: number,
    private readonly pool: readonly string[],
    ratePerSecond: number,
  ) {
    this.ratePerMs = ratePerSecond / 1000;
  }

  addSplits(splits: KeySpaceSplit[]): void {
    const s = splits[0];
    if (!s) return;
    this.split = { ...s };
    this.ownKeys = Math.max(1, Math.ceil((this.keys - s.part) / s.parts));
  }

  private emit(output: ReaderOutput<KeyState>, split: KeySpaceSplit, n: number): void {
    for (let i = 0; i < n; i++) {
      const seq = split.emitted++;
      const k = split.part + (seq % this.ownKeys) * split.parts;
      // A multiplicative hash spreads consecutive records over the pool.
      const p = this.pool[(Math.imul(seq, 0x9e3779b1) >>> 20) & (POOL_SIZE - 1)]!;
      output.collect({ k, c: 1, p });
    }
  }

  pollNext(output: ReaderOutput<KeyState>): InputStatus {
    const split = this.split;
    if (!split) return 'END_OF_INPUT';
    if (split.emitted < this.ownKeys) {
      // The fill: every key once, unthrottled. A restored split past it goes straight to the rate.
      this.emit(output, split, Math.min(MAX_BATCH, this.ownKeys - split.emitted));
      return 'MORE_AVAILABLE';
    }
    const now = performance.now();
    if (this.rateStart < 0) {
      this.rateStart = now;
      this.rateBase = split.emitted;
    }
    const due = Math.floor((now - this.rateStart) * this.ratePerMs) + 1 - (split.emitted - this.rateBase);
    if (due <= 0) return 'NOTHING_AVAILABLE';
    const n = Math.min(due, MAX_BATCH);
    this.emit(output, split, n);
    return n < due ? 'MORE_AVAILABLE' : 'NOTHING_AVAILABLE';
  }

  isAvailable(): Promise<void> {
    const emitted = this.split?.emitted ?? 0;
    const nextDue = this.rateStart + (emitted - this.rateBase) / this.ratePerMs;
    const delay = Math.max(0, nextDue - performance.now());
    return new Promise((resolve) => setTimeout(resolve, delay));
  }

  snapshotState(): KeySpaceSplit[] {
    return this.split ? [{ ...this.split }] : [];
  }
}

export default (env: StreamExecutionEnvironment, args: string[]): void => {
  const keys = intArg(args, 'keys', 1_000_000);
  const payloadChars = intArg(args, 'payload', 72, 0);
  const rate = intArg(args, 'rate', 100_000);
  const interval = intArg(args, 'checkpoint-interval', 1000);
  env.setJobName('bench-large-state');
  env.enableCheckpointing(interval);
  env
    .fromSource(new KeySpaceSource(keys, payloadChars, rate), 'Key-Space Source')
    .keyBy((r) => r.k)
    .reduce((a, b) => ({ k: a.k, c: a.c + b.c, p: b.p }))
    .name(STATE_OPERATOR)
    .uid('large-state')
    .sinkTo(new DiscardingSink<KeyState>())
    .name('Discarding Sink');
};
