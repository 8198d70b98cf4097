/**
 * A source that plays a script step by step, for the watermark tests (test/watermarks.test.ts):
 * each step waits until its gate file exists in a control directory the test writes to, then
 * emits its items at once. Items are data records and watermark marks; the source's punctuated
 * generator turns a mark into a watermark, and {@link scriptedStream} filters the marks out, so
 * the downstream operators see the data only, and the watermarks exactly where the script puts
 * them. The source stays open (emitting nothing) until its end gate exists.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  MAX_WATERMARK,
  MIN_WATERMARK,
  WatermarkStrategy,
  type DataStream,
  type InputStatus,
  type ReaderOutput,
  type Source,
  type SourceReader,
  type SourceSplit,
  type StreamExecutionEnvironment,
} from '@eddy/api';

/** A data record of source `src`. */
export interface ScriptData {
  readonly kind: 'data';
  readonly src: string;
  readonly ts: number;
}

/** A watermark `wm` from the source, right after the items before it. */
export interface ScriptMark {
  readonly kind: 'mark';
  readonly wm: number;
}

/** What a script emits. */
export type ScriptItem = ScriptData | ScriptMark;

/** One step: emitted once `gate` exists in the control directory (at once without a gate). */
export interface ScriptStep {
  readonly gate?: string;
  readonly items: readonly ScriptItem[];
}

interface ScriptSplit extends SourceSplit {
  /** The next step to emit. */
  step: number;
}

/** How often a waiting reader looks for its gate file. */
const GATE_POLL_MS = 10;

/** The scripted source; one split, so one reader plays it. */
export class ScriptedSource implements Source<ScriptItem, ScriptSplit> {
  readonly boundedness = 'BOUNDED';

  constructor(
    readonly controlDir: string,
    readonly steps: readonly ScriptStep[],
    /** The source ends once this file exists (right after the last step without it). */
    readonly endGate: string | undefined,
  ) {}

  createSplits(): ScriptSplit[] {
    return [{ splitId: 'script', step: 0 }];
  }

  createReader(): SourceReader<ScriptItem, ScriptSplit> {
    const { controlDir, steps, endGate } = this;
    let split: ScriptSplit | undefined;
    let closed = false;
    const open = (gate: string | undefined): boolean => gate === undefined || existsSync(join(controlDir, gate));
    const nextGate = (): string | undefined => (split === undefined ? undefined : split.step < steps.length ? steps[split.step]!.gate : endGate);
    return {
      addSplits(splits) {
        if (splits[0]) split = { ...splits[0] };
      },
      pollNext(output: ReaderOutput<ScriptItem>): InputStatus {
        if (split === undefined) return 'END_OF_INPUT';
        if (!open(nextGate())) return 'NOTHING_AVAILABLE';
        if (split.step >= steps.length) return 'END_OF_INPUT';
        for (const item of steps[split.step]!.items) output.collect(item);
        split.step++;
        return 'MORE_AVAILABLE';
      },
      isAvailable() {
        // The test creates gate files from another process: look for them until one exists.
        return new Promise<void>((resolve) => {
          const check = (): void => {
            if (closed || open(nextGate())) resolve();
            else setTimeout(check, GATE_POLL_MS);
          };
          check();
        });
      },
      snapshotState: () => (split ? [{ ...split }] : []),
      close() {
        closed = true;
      },
    };
  }
}

/** Options of {@link scriptedStream}. */
export interface ScriptedStreamOptions {
  readonly controlDir: string;
  readonly steps: readonly ScriptStep[];
  readonly endGate?: string;
  /** Marks the source idle after this many ms without records (WatermarkStrategy.withIdleness). */
  readonly idlenessMs?: number;
}

/**
 * A non-parallel scripted source named `name`, with its marks turned into watermarks at the
 * source and then filtered out.
 */
export function scriptedStream(env: StreamExecutionEnvironment, name: string, opts: ScriptedStreamOptions): DataStream<ScriptData> {
  let strategy = WatermarkStrategy.forGenerator<ScriptItem>(() => ({
    onEvent(item, _ts, out) {
      if (item.kind === 'mark') out.emitWatermark(item.wm);
    },
    onPeriodicEmit() {},
  })).withTimestampAssigner((item) => (item.kind === 'data' ? item.ts : item.wm));
  if (opts.idlenessMs !== undefined) strategy = strategy.withIdleness(opts.idlenessMs);
  return env
    .fromSource(new ScriptedSource(opts.controlDir, opts.steps, opts.endGate), name, strategy)
    .setParallelism(1)
    .flatMap<ScriptData>((item, out) => {
      if (item.kind === 'data') out.collect(item);
    })
    .name(`${name}: data`)
    .setParallelism(1);
}

/** `--name value` of the job's args. @throws Error when it is missing. */
export function requiredArg(args: readonly string[], name: string): string {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? args[i + 1] : undefined;
  if (v === undefined) throw new Error(`the job needs --${name}`);
  return v;
}

/** A watermark as the tests print it. */
export function showWatermark(wm: number): string {
  return wm === MIN_WATERMARK ? 'MIN' : wm === MAX_WATERMARK ? 'MAX' : String(wm);
}
