/**
 * Sinks (modelled on Flink's Sink V2): a sink creates one writer per subtask. Writers are
 * synchronous per record; a writer that cannot keep up reports it through `isReady()`, and the
 * task stops feeding it — that is how a slow sink backpressures the whole pipeline.
 */
import type { RuntimeContext } from './functions.js';

/** Runtime services a writer may use, provided by the worker. */
export interface SinkContext extends RuntimeContext {
  /** Hands records of a {@link CollectSink} to the coordinator. */
  pushCollected(sinkName: string, records: string[]): Promise<void>;
  /** Where `print()` writes: the worker's stdout. */
  writeStdout(text: string): void;
  /**
   * Whether the job takes checkpoints. Then a two-phase-commit sink makes data visible only when
   * a checkpoint completes; otherwise when its writer chooses (a FileSink: at a roll) and at the
   * end of the input.
   */
  readonly checkpointingEnabled: boolean;
}

/** Writes the records of one subtask. */
export interface SinkWriter<T> {
  write(value: T, timestamp: number | undefined): void;
  /** False while the writer cannot take more records; the task then awaits {@link ready}. */
  isReady?(): boolean;
  /** Resolves once the writer can take records again. */
  ready?(): Promise<void>;
  /**
   * Makes buffered records durable or visible. Called on buffer timeout ticks with
   * `endOfInput = false` and once at the end of a bounded input with `endOfInput = true`.
   */
  flush(endOfInput: boolean): void | Promise<void>;
  close?(): void | Promise<void>;
}

/** A sink: a factory of writers. */
export interface Sink<T> {
  createWriter(ctx: SinkContext): SinkWriter<T>;
}

/** Renders a record as one line: strings as they are, everything else as JSON. */
export function formatRecord(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value);
}

/**
 * `stream.print()`: one line per record on the worker's stdout, prefixed `n> ` with the 1-based
 * subtask index when the sink runs with parallelism > 1 (as Flink's print sink does).
 */
export class PrintSink<T> implements Sink<T> {
  constructor(readonly prefix?: string) {}

  createWriter(ctx: SinkContext): SinkWriter<T> {
    const tag = ctx.parallelism > 1 ? `${ctx.subtaskIndex + 1}> ` : '';
    const prefix = this.prefix ? `${this.prefix}:${tag === '' ? ' ' : tag}` : tag;
    let pending = '';
    const flush = (): void => {
      if (pending.length > 0) {
        ctx.writeStdout(pending);
        pending = '';
      }
    };
    return {
      write(value) {
        pending += `${prefix}${formatRecord(value)}\n`;
        if (pending.length >= 16 * 1024) flush();
      },
      flush,
    };
  }
}

/** Discards every record; for benchmarks. */
export class DiscardingSink<T> implements Sink<T> {
  createWriter(): SinkWriter<T> {
    return { write() {}, flush() {} };
  }
}

/**
 * Hands every record, as a JSON line, to the coordinator, where a client fetches them with
 * `JobClient.fetchCollected(jobId, name)` once the job is done. For tests and small results:
 * the coordinator keeps them in memory.
 */
export class CollectSink<T> implements Sink<T> {
  constructor(readonly name: string) {
    if (!/^[\w.-]{1,100}$/.test(name)) throw new Error(`CollectSink name must match [\\w.-]{1,100}, got '${name}'`);
  }

  createWriter(ctx: SinkContext): SinkWriter<T> {
    const name = this.name;
    let batch: string[] = [];
    let inflight: Promise<void> | undefined;
    let failure: unknown;
    const send = (): void => {
      if (batch.length === 0 || inflight) return;
      const records = batch;
      batch = [];
      inflight = ctx.pushCollected(name, records).then(
        () => {
          inflight = undefined;
        },
        (err: unknown) => {
          inflight = undefined;
          failure = err;
        },
      );
    };
    const drain = async (): Promise<void> => {
      while (inflight !== undefined) await inflight;
    };
    const check = (): void => {
      if (failure !== undefined) throw new Error('CollectSink could not reach the coordinator', { cause: failure });
    };
    return {
      write(value) {
        check();
        batch.push(formatRecord(value));
        if (batch.length >= 4096) send();
      },
      isReady: () => inflight === undefined || batch.length < 4096,
      async ready() {
        while (inflight !== undefined && batch.length >= 4096) await inflight;
        check();
      },
      async flush(endOfInput) {
        send();
        await drain();
        if (endOfInput) {
          send();
          await drain();
        }
        check();
      },
    };
  }
}
