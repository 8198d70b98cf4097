/**
 * StreamExecutionEnvironment: where a job builds its graph (Flink's class of the same name).
 * A job file's default export receives one and adds sources, operators and sinks to it.
 */
import { RUNTIME_DEFAULTS, validateRestartStrategy, type OperatorKind, type RestartStrategyConfig, type StreamGraphDescriptor } from '@eddy/common';
import { DataStream, type GraphBuilder, type TransformationExtras } from './datastream.js';
import { WatermarkStrategy } from './watermark-strategy.js';
import { CheckpointConfig, DEFAULT_CHECKPOINT_TIMEOUT_MS } from './checkpoint-config.js';
import { CollectionSource, NumberSequenceSource, type Source } from './source.js';
import { Transformation, describeGraph, type TransformationInput } from './transformation.js';

/** The signature of a job file's default export. */
export type JobFunction = (env: StreamExecutionEnvironment, args: string[]) => void;

/** Options the runtime passes when it creates an environment to evaluate a job. */
export interface EnvironmentOptions {
  /** Default parallelism before the job sets its own (the submission's `--parallelism`). */
  readonly defaultParallelism?: number;
}

/** Builds a job's dataflow graph. */
export class StreamExecutionEnvironment implements GraphBuilder {
  private parallelism: number;
  private maxParallelism: number = RUNTIME_DEFAULTS.maxParallelism;
  private checkpointInterval = 0;
  private readonly checkpointConfig = new CheckpointConfig();
  private restartStrategy: RestartStrategyConfig | undefined;
  private jobName = '';
  private readonly transformations: Transformation[] = [];

  constructor(options: EnvironmentOptions = {}) {
    this.parallelism = options.defaultParallelism ?? RUNTIME_DEFAULTS.parallelism;
  }

  /** Default parallelism of operators created after this call. */
  setParallelism(parallelism: number): this {
    if (!Number.isInteger(parallelism) || parallelism < 1)
      throw new Error(`parallelism must be a positive integer, got ${parallelism}`);
    this.parallelism = parallelism;
    return this;
  }

  getParallelism(): number {
    return this.parallelism;
  }

  /** Number of key groups, the upper bound for rescaling keyed state. Default 128. */
  setMaxParallelism(maxParallelism: number): this {
    if (!Number.isInteger(maxParallelism) || maxParallelism < 1 || maxParallelism > RUNTIME_DEFAULTS.upperBoundMaxParallelism)
      throw new Error(
        `max parallelism must be an integer in [1, ${RUNTIME_DEFAULTS.upperBoundMaxParallelism}], got ${maxParallelism}`,
      );
    this.maxParallelism = maxParallelism;
    return this;
  }

  getMaxParallelism(): number {
    return this.maxParallelism;
  }

  /** Takes a checkpoint every `intervalMs` milliseconds (exactly-once). */
  enableCheckpointing(intervalMs: number): this {
    if (!Number.isFinite(intervalMs) || intervalMs < 10)
      throw new Error(`checkpoint interval must be at least 10 ms, got ${intervalMs}`);
    this.checkpointInterval = intervalMs;
    return this;
  }

  getCheckpointInterval(): number {
    return this.checkpointInterval;
  }

  /** Timeout, minimum pause and tolerated failures of this job's checkpoints (Flink's `getCheckpointConfig()`). */
  getCheckpointConfig(): CheckpointConfig {
    return this.checkpointConfig;
  }

  /**
   * How the job restarts after a failure (from its latest completed checkpoint). Without a call,
   * a checkpointed job restarts without limit after 500 ms (as in Flink); a job without
   * checkpointing fails. A job without checkpointing that sets a strategy restarts from scratch.
   * @throws Error for invalid numbers.
   * @see RestartStrategies
   */
  setRestartStrategy(strategy: RestartStrategyConfig): this {
    const problem = validateRestartStrategy(strategy);
    if (problem) throw new Error(problem);
    this.restartStrategy = strategy;
    return this;
  }

  /** Display name of the job (the submitter may override it). */
  setJobName(name: string): this {
    this.jobName = String(name);
    return this;
  }

  /** The integers `from`..`to`, both inclusive, split across subtasks. */
  fromSequence(from: number, to: number): DataStream<number> {
    return this.fromSource(new NumberSequenceSource(from, to), 'Sequence Source');
  }

  /** The given items in order, from one non-parallel source. */
  fromCollection<T>(items: readonly T[]): DataStream<T> {
    if (!Array.isArray(items)) throw new Error('fromCollection needs an array');
    const stream = this.fromSource(new CollectionSource<T>(items), 'Collection Source');
    const t = stream.getTransformation();
    t.parallelism = 1;
    t.fixedParallelism = true;
    return stream;
  }

  /**
   * A custom source. With a watermark strategy, timestamps are assigned and watermarks generated
   * at the source, per split: the source's watermark is the minimum over its active splits.
   */
  fromSource<T>(source: Source<T>, name: string, strategy?: WatermarkStrategy<T>): DataStream<T> {
    if (!source || typeof source.createReader !== 'function' || typeof source.createSplits !== 'function')
      throw new Error('fromSource needs a Source (an object with createSplits and createReader)');
    if (strategy !== undefined && !(strategy instanceof WatermarkStrategy))
      throw new Error('fromSource: the third argument must be a WatermarkStrategy');
    const t = new Transformation(
      this.transformations.length,
      'source',
      `Source: ${name}`,
      this.parallelism,
      [],
      undefined,
      undefined,
      source,
      undefined,
      strategy,
    );
    this.transformations.push(t);
    return new DataStream<T>(this, [{ transformation: t, partitioning: { kind: 'default' } }]);
  }

  /** @internal Used by DataStream to add operators. */
  addTransformation(kind: OperatorKind, name: string, inputs: TransformationInput[], extra: TransformationExtras = {}): Transformation {
    const t = new Transformation(
      this.transformations.length,
      kind,
      name,
      this.parallelism,
      inputs,
      extra.userFunction,
      extra.keySelector,
      undefined,
      extra.sink,
      extra.config,
    );
    this.transformations.push(t);
    return t;
  }

  /** @internal Every transformation, in creation order (index = id). */
  getTransformations(): readonly Transformation[] {
    return this.transformations;
  }

  /** @internal The serializable stream graph. */
  describe(): StreamGraphDescriptor {
    const g = describeGraph(this.jobName, this.maxParallelism, this.checkpointInterval, this.transformations);
    const c = this.checkpointConfig;
    // Only non-defaults are recorded, so graphs of jobs that never touch the config stay as they were.
    return {
      ...g,
      ...(this.restartStrategy ? { restartStrategy: this.restartStrategy } : {}),
      ...(c.getCheckpointTimeout() !== DEFAULT_CHECKPOINT_TIMEOUT_MS ? { checkpointTimeoutMs: c.getCheckpointTimeout() } : {}),
      ...(c.getMinPauseBetweenCheckpoints() !== 0 ? { minPauseBetweenCheckpointsMs: c.getMinPauseBetweenCheckpoints() } : {}),
      ...(c.getTolerableCheckpointFailureNumber() !== 0 ? { tolerableCheckpointFailures: c.getTolerableCheckpointFailureNumber() } : {}),
    };
  }
}
