/**
 * DataStream, KeyedStream and DataStreamSink: Flink's DataStream API, typed by record type.
 */
import type {
  FilterFunction,
  FlatMapFunction,
  KeyedProcessFunction,
  KeySelector,
  MapFunction,
  ProcessFunction,
  ReduceFunction,
} from './functions.js';
import { PrintSink, type Sink } from './sink.js';
import type { Transformation} from './transformation.js';
import { type Partitioning, type TransformationInput } from './transformation.js';
import type { OperatorKind } from '@eddy/common';
import { OutputTag } from './output-tag.js';
import { WatermarkStrategy } from './watermark-strategy.js';
import { WindowedStream } from './windowed-stream.js';
import { WindowAssigner } from './windows.js';

/** The optional parts of a new transformation. */
export interface TransformationExtras {
  userFunction?: unknown;
  keySelector?: KeySelector<unknown, unknown>;
  sink?: Sink<unknown>;
  config?: unknown;
}

/** What a stream needs from its environment. */
export interface GraphBuilder {
  addTransformation(
    kind: OperatorKind,
    name: string,
    inputs: TransformationInput[],
    extra?: TransformationExtras,
  ): Transformation;
}

function checkParallelism(t: Transformation, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`parallelism must be a positive integer, got ${n}`);
  if (t.fixedParallelism && n !== t.parallelism)
    throw new Error(`operator '${t.name}' is non-parallel; its parallelism cannot be set to ${n}`);
  t.parallelism = n;
}

function checkUid(uid: string): void {
  if (typeof uid !== 'string' || uid.length === 0 || uid.length > 200)
    throw new Error('uid must be a non-empty string of at most 200 characters');
}

/** A stream of records of type `T`. */
export class DataStream<T> {
  /** @internal */
  constructor(
    protected readonly builder: GraphBuilder,
    /** @internal Upstream operators and how they are partitioned towards the next operator. */
    readonly inputs: readonly TransformationInput[],
  ) {}

  /** The operator that produces this stream. @throws Error for union streams, which have several. */
  getTransformation(): Transformation {
    if (this.inputs.length !== 1) throw new Error('a union of streams is not a single operator');
    return this.inputs[0]!.transformation;
  }

  protected single(what: string): Transformation {
    if (this.inputs.length !== 1 || this.inputs[0]!.partitioning.kind !== 'default')
      throw new Error(`${what} applies to an operator; call it right after the operator it configures`);
    return this.inputs[0]!.transformation;
  }

  /** Sets the operator's name (shown in status and logs). */
  name(name: string): this {
    this.single('name()').name = String(name);
    return this;
  }

  /** Sets the operator's stable id, used to map state across job versions. Must be unique in the job. */
  uid(uid: string): this {
    checkUid(uid);
    this.single('uid()').uid = uid;
    return this;
  }

  /** Sets the operator's parallelism. */
  setParallelism(parallelism: number): this {
    checkParallelism(this.single('setParallelism()'), parallelism);
    return this;
  }

  private then<R>(kind: OperatorKind, name: string, fn: unknown): DataStream<R> {
    if (fn === undefined || fn === null) throw new Error(`${name}: a function is required`);
    const t = this.builder.addTransformation(kind, name, [...this.inputs], { userFunction: fn });
    return new DataStream<R>(this.builder, [{ transformation: t, partitioning: { kind: 'default' } }]);
  }

  map<R>(fn: MapFunction<T, R>): DataStream<R> {
    return this.then<R>('map', 'Map', fn);
  }

  filter(fn: FilterFunction<T>): DataStream<T> {
    return this.then<T>('filter', 'Filter', fn);
  }

  flatMap<R>(fn: FlatMapFunction<T, R>): DataStream<R> {
    return this.then<R>('flatMap', 'Flat Map', fn);
  }

  process<R>(fn: ProcessFunction<T, R>): DataStream<R> {
    return this.then<R>('process', 'Process', fn);
  }

  /**
   * Assigns event timestamps and generates watermarks (Flink: assignTimestampsAndWatermarks).
   * Each parallel instance runs its own generator; downstream operators take the minimum.
   */
  assignTimestampsAndWatermarks(strategy: WatermarkStrategy<T>): DataStream<T> {
    if (!(strategy instanceof WatermarkStrategy))
      throw new Error('assignTimestampsAndWatermarks needs a WatermarkStrategy (e.g. WatermarkStrategy.forBoundedOutOfOrderness(ms))');
    const t = this.builder.addTransformation('timestamps', 'Timestamps/Watermarks', [...this.inputs], { config: strategy });
    return new DataStream<T>(this.builder, [{ transformation: t, partitioning: { kind: 'default' } }]);
  }

  /**
   * The records this operator emitted to side output `tag` (`ctx.output(tag, v)` in process
   * functions, late data of windows). Call it on the operator's own stream.
   */
  getSideOutput<X>(tag: OutputTag<X>): DataStream<X> {
    if (!(tag instanceof OutputTag)) throw new Error('getSideOutput needs an OutputTag');
    const producer = this.single('getSideOutput()');
    const t = this.builder.addTransformation('side-output', `Side Output: ${tag.id}`, [{ transformation: producer, partitioning: { kind: 'default' } }], {
      config: tag,
    });
    return new DataStream<X>(this.builder, [{ transformation: t, partitioning: { kind: 'default' } }]);
  }

  /** Partitions the stream by key (key group → subtask, as Flink does). */
  keyBy<K>(selector: KeySelector<T, K>): KeyedStream<T, K> {
    if (typeof selector !== 'function') throw new Error('keyBy needs a key selector function');
    const partitioning: Partitioning = { kind: 'hash', keySelector: selector as KeySelector<unknown, unknown> };
    return new KeyedStream<T, K>(
      this.builder,
      this.inputs.map((i) => ({ transformation: i.transformation, partitioning })),
      selector,
    );
  }

  /** Distributes records round-robin over the next operator's subtasks. */
  rebalance(): DataStream<T> {
    return new DataStream<T>(
      this.builder,
      this.inputs.map((i) => ({ transformation: i.transformation, partitioning: { kind: 'rebalance' } })),
    );
  }

  /** Merges streams of the same type. */
  union(...others: DataStream<T>[]): DataStream<T> {
    return new DataStream<T>(this.builder, [...this.inputs, ...others.flatMap((o) => o.inputs)]);
  }

  /** Writes the stream to a sink. */
  sinkTo(sink: Sink<T>): DataStreamSink<T> {
    if (!sink || typeof (sink as Partial<Sink<T>>).createWriter !== 'function')
      throw new Error('sinkTo needs a Sink (an object with createWriter)');
    const t = this.builder.addTransformation('sink', 'Sink', [...this.inputs], { sink: sink });
    return new DataStreamSink<T>(t);
  }

  /** Prints each record on the worker's stdout (`n> ` prefixed at parallelism > 1). */
  print(prefix?: string): DataStreamSink<T> {
    return this.sinkTo(new PrintSink<T>(prefix)).name('Print to Std. Out');
  }
}

/** A stream partitioned by key: keyed operators see one key at a time. */
export class KeyedStream<T, K> extends DataStream<T> {
  /** @internal */
  constructor(
    builder: GraphBuilder,
    inputs: readonly TransformationInput[],
    /** The key selector. */
    readonly keySelector: KeySelector<T, K>,
  ) {
    super(builder, inputs);
  }

  private keyed<R>(kind: OperatorKind, name: string, fn: unknown): DataStream<R> {
    if (fn === undefined || fn === null) throw new Error(`${name}: a function is required`);
    const t = this.builder.addTransformation(kind, name, [...this.inputs], {
      userFunction: fn,
      keySelector: this.keySelector as KeySelector<unknown, unknown>,
    });
    return new DataStream<R>(this.builder, [{ transformation: t, partitioning: { kind: 'default' } }]);
  }

  /** Running reduce per key: emits the updated result for every input record, as Flink does. */
  reduce(fn: ReduceFunction<T>): DataStream<T> {
    return this.keyed<T>('keyed-reduce', 'Keyed Reduce', fn);
  }

  /** Applies a KeyedProcessFunction. */
  override process<R>(fn: KeyedProcessFunction<K, T, R>): DataStream<R> {
    return this.keyed<R>('keyed-process', 'KeyedProcess', fn);
  }

  /** Groups each key's records into windows (Flink: KeyedStream.window). */
  window(assigner: WindowAssigner<T>): WindowedStream<T, K> {
    if (!(assigner instanceof WindowAssigner))
      throw new Error('window needs a WindowAssigner (e.g. TumblingEventTimeWindows.of(60_000))');
    return new WindowedStream<T, K>(this.builder, this.inputs, this.keySelector, assigner);
  }
}

/** The end of a stream; configures the sink operator. */
export class DataStreamSink<T> {
  /** @internal */
  constructor(readonly transformation: Transformation) {}

  name(name: string): this {
    this.transformation.name = String(name);
    return this;
  }

  uid(uid: string): this {
    checkUid(uid);
    this.transformation.uid = uid;
    return this;
  }

  setParallelism(parallelism: number): this {
    checkParallelism(this.transformation, parallelism);
    return this;
  }

  /** Phantom use of T keeps the sink typed by its record type. */
  protected readonly _recordType?: T;
}
