/**
 * One subtask of a JobGraph vertex running on this worker (Flink: StreamTask). It builds its
 * operator chain, connects inputs and outputs, then runs a single loop — a source's read loop or
 * an input loop — that checks backpressure before taking more work and yields to the event loop
 * regularly so that network I/O, timers and other tasks proceed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import {
  RUNTIME_DEFAULTS,
  WatermarkValve,
  type ValveOutput,
  keyGroupRangeForOperator,
  type TaskRestore,
  decodeBuffer,
  describeError,
  FsCheckpointStorage,
  operatorStateKey,
  type BufferVisitor,
  type JobEdge,
  type JobVertex,
  type Logger,
  type StreamEvent,
  type TaskDeploymentDescriptor__Output,
  type TaskState,
} from '@eddy/common';
import {
  DEFAULT_AUTO_WATERMARK_INTERVAL_MS,
  OutputTag,
  type KeyedStateStore,
  type RuntimeContext,
  type Source,
  type SourceReader,
  type SourceSplit,
  type WatermarkStrategy,
} from '@eddy/api';
import { nonKeyedStateStore, parseJobParameters, type Transformation } from '@eddy/api/internal';
import { BroadcastEmitter, NO_OUTPUT, type Emitter } from '../operators/emitter.js';
import { AbstractKeyedOperator } from '../operators/keyed-operator.js';
import { SinkOperator } from '../operators/sink-operator.js';
import { TimestampsAndWatermarksOperator } from '../operators/timestamps-operator.js';
import type { StreamOperator } from '../operators/stream-operator.js';
import type { BatchItem, BytesItem, ChannelItem } from '../network/channel-item.js';
import { InputGate, type GateChannel } from '../network/input-gate.js';
import { LocalInputChannel, RemoteInputChannel, type InputChannel } from '../network/input-channel.js';
import { partitionKey } from '../network/partition-registry.js';
import { RecordWriterEmitter } from '../network/record-writer.js';
import { ResultPartition } from '../network/result-partition.js';
import { UpstreamCanceledError } from '../network/upstream-canceled.js';
import { CheckpointSupport } from './checkpoint-support.js';
import type { BuiltJob } from '../runtime/built-job.js';
import { createOperator } from './operator-factory.js';
import { SourceOutput } from './source-output.js';
import type { OperatorCounters, TaskIdentity, TaskServices } from './task-services.js';

/** Input buffers processed before the task yields to the event loop. */
const ITEMS_PER_TURN = 16;
/** Sink flush period: bounds how late printed or written records show up. */
const SINK_FLUSH_MS = 50;

class TaskCanceled extends Error {
  constructor() {
    super('task canceled');
  }
}

/** A running subtask. */
export class StreamTask {
  state: TaskState = 'DEPLOYING';
  readonly identity: TaskIdentity;
  private readonly log: Logger;
  private readonly operators: StreamOperator[] = [];
  private readonly sinks: SinkOperator[] = [];
  private readonly partitions: ResultPartition[] = [];
  private gate: InputGate<BufferVisitor> | undefined;
  /** The chain's head when it is keyed: its input is processed batch by batch, with state prefetched. */
  private keyedHead: AbstractKeyedOperator | undefined;
  private sourceCounter: { operatorId: string; count: number } | undefined;
  /** The source reader's output: per-split timestamps and watermarks. */
  private sourceOutput: SourceOutput | undefined;
  /** Combines the input channels' watermarks and idleness. */
  private valve: WatermarkValve | undefined;
  /** The distinct operators the input channels feed: they receive the combined watermark. */
  private inputTargets: StreamOperator[] = [];
  /** Asynchronous work started by an input event (timers fired by a watermark): awaited before the next input. */
  private eventWork: Promise<void> | undefined;
  /** The processing time the processing-time wake-up is set for. */
  private processingTimerAt: number | undefined;
  private processingTimer: NodeJS.Timeout | undefined;
  private processingTimeDue = false;
  private canceled = false;
  private cancelWake: () => void = () => undefined;
  private readonly cancelSignal: Promise<void>;
  private timers: NodeJS.Timeout[] = [];
  private asyncFailure: unknown;
  private checkpoints: CheckpointSupport | undefined;
  private sourceReader: SourceReader<unknown, SourceSplit> | undefined;
  private sourceOperatorKey = '';
  private restore: TaskRestore | undefined;
  private readonly storage: FsCheckpointStorage | undefined;
  /** Working directories of this execution's operators; removed when the task ends. */
  private readonly localStateDir: string;
  private pendingTrigger: { id: number; timestamp: number; savepoint: boolean } | undefined;
  private triggerWake: () => void = () => undefined;
  /** The last checkpoint this source task took (0: none yet). */
  private lastSourceCheckpointId = 0;
  /** The checkpoint a finished source waits on before it ends its partitions. */
  private awaitedCheckpoint: { id: number; resolve: (completed: boolean) => void } | undefined;
  /** Resolves when the task reached a terminal state. */
  readonly terminated: Promise<void>;
  private resolveTerminated: () => void = () => undefined;

  constructor(
    private readonly services: TaskServices,
    private readonly tdd: TaskDeploymentDescriptor__Output,
    private readonly job: BuiltJob,
  ) {
    this.identity = { fence: tdd.fence!, vertexId: tdd.vertexId, subtask: tdd.subtask };
    this.log = services.logger.child({
      jobId: tdd.fence!.jobId,
      task: `${tdd.vertexId}#${tdd.subtask}`,
      attempt: tdd.fence!.attempt,
    });
    this.storage = tdd.checkpointDir ? new FsCheckpointStorage(tdd.checkpointDir) : undefined;
    this.localStateDir = path.join(
      services.localStateRoot,
      `${tdd.fence!.jobId}-${tdd.fence!.attempt}-${tdd.vertexId}-${tdd.subtask}`,
    );
    this.cancelSignal = new Promise((resolve) => {
      this.cancelWake = resolve;
    });
    this.terminated = new Promise((resolve) => {
      this.resolveTerminated = resolve;
    });
  }

  /** Runs the task to its end; never rejects (failures are reported). */
  start(): void {
    void this.run();
  }

  /** Stops the task promptly; it reports CANCELED. */
  cancel(): void {
    if (this.canceled) return;
    this.canceled = true;
    this.cancelWake();
    this.gate?.wake();
  }

  /**
   * Asks a source task to take checkpoint `checkpointId` at its next step.
   * @returns why it cannot, or undefined.
   */
  triggerCheckpoint(checkpointId: number, timestamp: number, savepoint: boolean): string | undefined {
    if (!this.sourceReader) return 'checkpoints are triggered at source tasks only';
    if (this.state !== 'RUNNING') return `the task is ${this.state}`;
    this.pendingTrigger = { id: checkpointId, timestamp, savepoint };
    this.triggerWake();
    return undefined;
  }

  /** The coordinator's verdict on a checkpoint (commit on completion). */
  notifyCheckpoint(checkpointId: number, completed: boolean): void {
    this.checkpoints?.notify(checkpointId, completed);
    if (this.awaitedCheckpoint?.id === checkpointId) this.awaitedCheckpoint.resolve(completed);
  }

  /** Current counters of every operator of the chain. */
  metrics(): OperatorCounters[] {
    const out: OperatorCounters[] = this.operators.map((o) => ({
      operatorId: o.operatorId,
      recordsIn: o.recordsIn,
      recordsOut: o.recordsOut,
      lateRecordsDropped: o.lateRecordsDropped,
    }));
    if (this.sourceCounter)
      out.unshift({
        operatorId: this.sourceCounter.operatorId,
        recordsIn: 0,
        recordsOut: this.sourceCounter.count,
        lateRecordsDropped: 0,
      });
    return out;
  }

  private report(state: TaskState, failure = ''): void {
    this.state = state;
    this.services.reportState(this.identity, state, failure, this.metrics());
  }

  private async run(): Promise<void> {
    try {
      this.report('INITIALIZING');
      if (this.tdd.restoreJson) this.restore = JSON.parse(this.tdd.restoreJson) as TaskRestore;
      const vertex = this.job.jobGraph.vertices.find((v) => v.id === this.tdd.vertexId);
      if (!vertex) throw new Error(`vertex ${this.tdd.vertexId} is not in the job graph`);
      const source = this.buildChain(vertex);
      this.buildInputs(vertex);
      this.setUpCheckpointing();
      await this.initializeOperators(vertex);
      await this.openOperators(vertex);
      this.startTimers();
      this.report('RUNNING');
      if (source) await this.runSource(source.reader);
      else await this.runInputs();
      await this.finishInput();
      this.checkAsyncFailure();
      await this.closeOperators();
      this.stopTimers();
      this.report('FINISHED');
      this.log.debug('task finished');
    } catch (err) {
      this.stopTimers();
      const canceled = this.canceled || err instanceof TaskCanceled || err instanceof UpstreamCanceledError;
      const cause = canceled ? new UpstreamCanceledError('task canceled') : err;
      for (const p of this.partitions) p.release(cause instanceof Error ? cause : new Error(String(cause)));
      this.gate?.close();
      await this.closeOperators().catch(() => undefined);
      if (canceled) {
        this.report('CANCELED');
      } else {
        this.log.warn({ err: describeError(err) }, 'task failed');
        this.report('FAILED', describeError(err));
      }
    } finally {
      for (const p of this.partitions) this.services.partitions.unregister(p);
      await fs.promises.rm(this.localStateDir, { recursive: true, force: true }).catch(() => undefined);
      this.resolveTerminated();
    }
  }

  private operatorKey(op: StreamOperator): string {
    const t = this.transformation(Number(op.operatorId));
    return operatorStateKey(t.id, t.uid);
  }

  private setUpCheckpointing(): void {
    const chain = this.operators.map((op) => ({ key: this.operatorKey(op), op }));
    this.checkpoints = new CheckpointSupport(
      {
        identity: this.identity,
        services: this.services,
        log: this.log,
        operators: () => chain,
        sourceState: () =>
          this.sourceReader ? { key: this.sourceOperatorKey, splits: this.sourceReader.snapshotState() } : undefined,
        broadcast: (ev) => {
          for (const p of this.partitions) p.broadcastEvent(ev);
        },
      },
      this.storage,
      this.gate?.channels.length ?? 0,
    );
  }

  private runtimeContext(t: Transformation, vertex: JobVertex, op?: StreamOperator): RuntimeContext {
    const store: KeyedStateStore = op instanceof AbstractKeyedOperator ? op : nonKeyedStateStore(t.name);
    return {
      getState: (d) => store.getState(d),
      getListState: (d) => store.getListState(d),
      getMapState: (d) => store.getMapState(d),
      getReducingState: (d) => store.getReducingState(d),
      getAggregatingState: (d) => store.getAggregatingState(d),
      jobId: this.identity.fence.jobId,
      jobName: this.job.jobGraph.jobName,
      operatorName: t.name,
      subtaskIndex: this.tdd.subtask,
      parallelism: vertex.parallelism,
      maxParallelism: vertex.maxParallelism,
      attemptNumber: Math.max(0, this.identity.fence.attempt - 1),
      jobParameters: parseJobParameters(this.tdd.args),
    };
  }

  private transformation(nodeId: number): Transformation {
    const t = this.job.transformations.get(nodeId);
    if (!t) throw new Error(`stream node ${nodeId} is missing from the job built on this worker`);
    return t;
  }

  /** Creates operators and wiring; returns the source reader when the chain starts with a source. */
  private buildChain(vertex: JobVertex): { reader: SourceReader<unknown, SourceSplit> } | undefined {
    const g = this.job.jobGraph;
    const inChain = new Set(vertex.nodeIds);
    const ops = new Map<number, StreamOperator>();
    const fence = this.identity.fence;
    const sinkServices = {
      pushCollected: (name: string, records: string[]) =>
        this.services.pushCollected(fence, name, this.tdd.subtask, records),
      writeStdout: (text: string) => this.services.writeStdout(text),
    };
    for (const id of vertex.nodeIds) {
      const t = this.transformation(id);
      if (t.kind === 'source') continue;
      const op = createOperator(t, sinkServices, this.services.keyedState);
      ops.set(id, op);
      this.operators.push(op);
      if (op instanceof SinkOperator) this.sinks.push(op);
    }
    const nodeOf = (id: number) => g.streamGraph.nodes.find((x) => x.id === id)!;
    const outputOf = (nodeId: number): Emitter => {
      const targets: Emitter[] = [];
      for (const id of vertex.nodeIds) {
        const n = nodeOf(id);
        if (n.kind === 'side-output') continue;
        if (n.inputs.some((e) => e.source === nodeId) && inChain.has(id) && ops.has(id) && id !== nodeId) {
          // Only chained successors: their single input is this node.
          if (n.inputs.length === 1) targets.push(ops.get(id)!);
        }
      }
      for (const e of g.edges) {
        if (e.sourceVertex === vertex.id && e.sourceNode === nodeId) targets.push(this.createWriter(e));
      }
      if (targets.length === 0) return NO_OUTPUT;
      return targets.length === 1 ? targets[0]! : new BroadcastEmitter(targets);
    };
    for (const [id, op] of ops) op.output = outputOf(id);
    // A side-output node is always chained to its producer (the graph validation ensures it): the
    // producer emits into it by tag.
    for (const id of vertex.nodeIds) {
      const n = nodeOf(id);
      if (n.kind !== 'side-output') continue;
      const tag = this.transformation(id).config;
      const producer = ops.get(n.inputs[0]!.source);
      if (!(tag instanceof OutputTag) || !producer)
        throw new Error(`side output '${n.name}' is not chained to the operator that produces it`);
      const side = ops.get(id)!;
      const existing = producer.sideOutputs.get(tag.id);
      producer.sideOutputs.set(tag.id, existing ? new BroadcastEmitter([existing, side]) : side);
    }
    const head = this.transformation(vertex.nodeIds[0]!);
    if (head.kind !== 'source') return undefined;
    const source = head.source as Source<unknown, SourceSplit>;
    const reader = source.createReader(this.runtimeContext(head, vertex));
    this.sourceOperatorKey = operatorStateKey(head.id, head.uid);
    // Restored splits carry the positions of the checkpoint: reading resumes exactly there.
    const restored = this.restore?.operators[this.sourceOperatorKey]?.splits;
    const splits = restored
      ? (restored as SourceSplit[])
      : source.createSplits(vertex.parallelism).filter((_s, i) => i % vertex.parallelism === this.tdd.subtask);
    reader.addSplits(splits);
    this.sourceReader = reader;
    const counter = { operatorId: String(head.id), count: 0 };
    this.sourceCounter = counter;
    const downstream = outputOf(head.id);
    const counting: Emitter = {
      collect(value, ts) {
        counter.count++;
        downstream.collect(value, ts);
      },
      emitWatermark: (wm) => downstream.emitWatermark(wm),
      emitStatus: (idle) => downstream.emitStatus(idle),
    };
    const sourceOutput = new SourceOutput(counting, head.config as WatermarkStrategy<unknown> | undefined);
    this.sourceOutput = sourceOutput;
    return { reader };
  }

  private createWriter(edge: JobEdge): RecordWriterEmitter {
    const g = this.job.jobGraph;
    const target = g.vertices.find((v) => v.id === edge.targetVertex)!;
    const fence = this.identity.fence;
    const locals: boolean[] = [];
    for (let s = 0; s < target.parallelism; s++) {
      const loc = this.tdd.locations.find((l) => l.vertexId === target.id && l.subtask === s);
      locals.push(loc?.workerId === this.services.workerId);
    }
    const partition = new ResultPartition(
      partitionKey(fence.jobId, fence.attempt, edge.id, this.tdd.subtask),
      locals,
      {
        bufferBytes: RUNTIME_DEFAULTS.bufferSizeBytes,
        localBatchRecords: RUNTIME_DEFAULTS.localBatchRecords,
        maxQueued: RUNTIME_DEFAULTS.maxQueuedBuffersPerSubpartition,
      },
    );
    this.partitions.push(partition);
    this.services.partitions.register(partition);
    const keySelector = edge.partitioner === 'hash' ? this.transformation(edge.targetNode).inputs.find(
      (i) => i.transformation.id === edge.sourceNode,
    )?.partitioning : undefined;
    return new RecordWriterEmitter(
      partition,
      edge.partitioner,
      this.tdd.subtask,
      g.maxParallelism,
      keySelector?.kind === 'hash' ? keySelector.keySelector : undefined,
    );
  }

  private buildInputs(vertex: JobVertex): void {
    const g = this.job.jobGraph;
    const fence = this.identity.fence;
    const channels: Array<GateChannel<BufferVisitor>> = [];
    for (const e of g.edges) {
      if (e.targetVertex !== vertex.id) continue;
      const producer = g.vertices.find((v) => v.id === e.sourceVertex)!;
      const target = this.operators.find((o) => o.operatorId === String(e.targetNode));
      if (!target) throw new Error(`edge ${e.id} targets node ${e.targetNode}, which is not in this chain`);
      const producers =
        e.partitioner === 'forward' ? [this.tdd.subtask] : Array.from({ length: producer.parallelism }, (_v, i) => i);
      for (const p of producers) {
        const loc = this.tdd.locations.find((l) => l.vertexId === producer.id && l.subtask === p);
        if (!loc) throw new Error(`no location for producer ${producer.id}#${p}`);
        const key = partitionKey(fence.jobId, fence.attempt, e.id, p);
        const description = `input from '${producer.name}' (${p + 1}/${producer.parallelism}) on ${loc.address}`;
        const channel: InputChannel =
          loc.workerId === this.services.workerId
            ? new LocalInputChannel(description, this.services.partitions, key, this.tdd.subtask)
            : new RemoteInputChannel(
                description,
                this.services.exchangeClients.get(loc.address),
                { fence, edgeId: e.id, producerSubtask: p, subpartition: this.tdd.subtask },
                RUNTIME_DEFAULTS.creditsPerChannel,
              );
        if (!this.inputTargets.includes(target)) this.inputTargets.push(target);
        if (target instanceof AbstractKeyedOperator) {
          if (this.keyedHead !== undefined && this.keyedHead !== target)
            throw new Error(`inputs of this task reach two keyed operators ('${this.keyedHead.name}', '${target.name}')`);
          this.keyedHead = target;
        }
        const index = channels.length;
        const gc: GateChannel<BufferVisitor> = {
          channel,
          finished: false,
          target: {
            record: (v, ts) => target.collect(v, ts),
            event: (ev) => this.onEvent(gc, index, ev),
          },
        };
        channels.push(gc);
      }
    }
    if (channels.length > 0) {
      this.gate = new InputGate(channels, (i) => this.checkpoints?.aligner?.isBlocked(i) ?? false);
      this.valve = new WatermarkValve(channels.length);
    }
  }

  /** Creates every operator's state, restoring it when the deployment names a checkpoint. */
  private async initializeOperators(vertex: JobVertex): Promise<void> {
    const keyGroupRange = keyGroupRangeForOperator(vertex.maxParallelism, vertex.parallelism, this.tdd.subtask);
    for (const op of this.operators) {
      const key = this.operatorKey(op);
      const r = this.restore?.operators[key];
      if (r && r.keyed.length > 0 && !this.storage) throw new Error('restore needs a checkpoint directory');
      await op.initializeState({
        maxParallelism: vertex.maxParallelism,
        keyGroupRange,
        localStateDir: path.join(this.localStateDir, fileSafe(key)),
        checkpointingEnabled: this.storage !== undefined,
        ...(r && this.restore
          ? {
              restored: {
                checkpointId: this.restore.checkpointId,
                keyed: r.keyed.map((h) => ({
                  file: this.storage!.resolve(h.path),
                  path: h.path,
                  size: h.size,
                  sha256: h.sha256,
                  ...(h.keyGroups ? { keyGroups: h.keyGroups } : {}),
                })),
                committables: r.committables ?? [],
                ...(r.operatorState ? { operatorState: r.operatorState } : {}),
              },
            }
          : {}),
      });
    }
  }

  private async openOperators(vertex: JobVertex): Promise<void> {
    // Tail first, as Flink does, so every operator's downstream is ready before it emits.
    for (const op of [...this.operators].reverse()) {
      await op.open(this.runtimeContext(this.transformation(Number(op.operatorId)), vertex, op));
    }
  }

  private async closeOperators(): Promise<void> {
    let first: unknown;
    for (const op of this.operators) {
      try {
        await op.close();
      } catch (err) {
        first ??= err;
      }
    }
    if (first !== undefined) throw first;
  }

  private startTimers(): void {
    if (this.partitions.length > 0) {
      this.timers.push(
        setInterval(() => {
          for (const p of this.partitions) p.flushAll();
        }, RUNTIME_DEFAULTS.bufferTimeoutMs),
      );
    }
    if (this.sinks.length > 0) {
      let flushing = false;
      this.timers.push(
        setInterval(() => {
          if (flushing) return;
          flushing = true;
          Promise.all(this.sinks.map((s) => s.flush()))
            .catch((err: unknown) => this.failAsync(err))
            .finally(() => {
              flushing = false;
            });
        }, SINK_FLUSH_MS),
      );
    }
    // Flink's auto-watermark interval: generators emit periodically, bounded by this latency.
    const generators = this.operators.filter((o) => o instanceof TimestampsAndWatermarksOperator);
    const sourceOutput = this.sourceOutput;
    if (generators.length > 0 || sourceOutput?.generatesWatermarks === true) {
      this.timers.push(
        setInterval(() => {
          try {
            sourceOutput?.onPeriodicEmit();
            for (const g of generators) g.onPeriodicEmit();
          } catch (err) {
            this.failAsync(err);
          }
        }, DEFAULT_AUTO_WATERMARK_INTERVAL_MS),
      );
    }
  }

  private stopTimers(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    if (this.processingTimer !== undefined) clearTimeout(this.processingTimer);
    this.processingTimer = undefined;
  }

  private failAsync(err: unknown): void {
    this.asyncFailure ??= err;
    this.cancelWake();
    this.gate?.wake();
  }

  private checkAsyncFailure(): void {
    if (this.asyncFailure !== undefined) throw this.asyncFailure;
    if (this.canceled) throw new TaskCanceled();
  }

  /** Waits for `p` unless the task is canceled or failed meanwhile. */
  private async guard(p: Promise<unknown>): Promise<void> {
    await Promise.race([p, this.cancelSignal]);
    this.checkAsyncFailure();
  }

  private outputsReady(): boolean {
    for (const p of this.partitions) if (!p.isAvailable()) return false;
    for (const s of this.sinks) if (!s.isReady()) return false;
    return true;
  }

  private async waitForOutputs(): Promise<void> {
    await this.guard(
      Promise.all([...this.partitions.map((p) => p.whenAvailable()), ...this.sinks.map((s) => (s.isReady() ? undefined : s.whenReady()))]),
    );
  }

  private async runSource(reader: SourceReader<unknown, SourceSplit>): Promise<void> {
    const output = this.sourceOutput!;
    try {
      for (;;) {
        this.checkAsyncFailure();
        const trigger = this.pendingTrigger;
        if (trigger) {
          this.pendingTrigger = undefined;
          // Between two pollNext calls the reader's positions match exactly what was emitted.
          this.checkpoints?.perform(trigger.id, trigger.timestamp, trigger.savepoint);
          this.lastSourceCheckpointId = trigger.id;
        }
        if (!this.outputsReady()) {
          await this.waitForOutputs();
          continue;
        }
        const status = reader.pollNext(output);
        if (status === 'END_OF_INPUT') {
          output.endOfInput();
          if (this.storage) {
            // The coordinator triggers the final checkpoint once every source has said this,
            // rather than at its next interval. Every checkpoint after the last one taken here is
            // behind the last record.
            this.services.notifyEndOfData(this.identity, this.lastSourceCheckpointId);
            await this.finalCheckpoint();
          }
          break;
        }
        if (status === 'NOTHING_AVAILABLE') {
          const triggered = new Promise<void>((resolve) => (this.triggerWake = resolve));
          await this.guard(Promise.race([reader.isAvailable(), triggered]));
        }
        else await yieldToEventLoop();
      }
    } finally {
      await reader.close?.();
    }
  }

  /**
   * With checkpointing on, a bounded source ends only after a checkpoint taken behind its last
   * record has completed (Flink's final checkpoint): downstream two-phase-commit sinks commit
   * their last transactions on that checkpoint, and a failure after it replays nothing. The
   * coordinator triggers it once every source of the job has reported its end of input.
   */
  private async finalCheckpoint(): Promise<void> {
    for (;;) {
      this.checkAsyncFailure();
      const trigger = this.pendingTrigger;
      const triggered = new Promise<void>((resolve) => (this.triggerWake = resolve));
      if (!trigger) {
        await this.guard(triggered);
        continue;
      }
      this.pendingTrigger = undefined;
      const outcome = new Promise<boolean>((resolve) => (this.awaitedCheckpoint = { id: trigger.id, resolve }));
      this.checkpoints?.perform(trigger.id, trigger.timestamp, trigger.savepoint);
      // A newer trigger means this checkpoint's verdict got lost or it was abandoned: take the newer one.
      const completed = await Promise.race([outcome, triggered.then(() => false), this.cancelSignal.then(() => false)]);
      this.awaitedCheckpoint = undefined;
      if (completed) return;
    }
  }

  private onEvent(gc: GateChannel<BufferVisitor>, index: number, ev: StreamEvent): void {
    if (ev.kind === 'end-of-partition') {
      this.gate!.finishChannel(gc);
      this.checkpoints?.onEndOfPartition(index);
      this.applyTime(this.valve!.finish(index));
    } else if (ev.kind === 'barrier') this.checkpoints?.onBarrier(index, ev);
    else if (ev.kind === 'cancel-checkpoint') this.checkpoints?.onCancelMarker(ev.checkpointId);
    else if (ev.kind === 'watermark') this.applyTime(this.valve!.inputWatermark(index, ev.timestamp));
    else this.applyTime(this.valve!.inputStatus(index, ev.idle));
  }

  /**
   * Hands a change of the combined input time to the operators the inputs feed: becoming active
   * before the watermark, becoming idle after it, as downstream valves expect.
   */
  private applyTime(out: ValveOutput): void {
    if (out.idle === false) for (const op of this.inputTargets) op.processStatus(false);
    const wm = out.watermark;
    if (wm !== undefined) {
      for (const op of this.inputTargets) {
        const pending = op.processWatermark(wm);
        if (pending !== undefined) this.eventWork = this.eventWork ? this.eventWork.then(() => pending) : pending;
      }
    }
    if (out.idle === true) for (const op of this.inputTargets) op.processStatus(true);
  }

  private processItem(gc: GateChannel<BufferVisitor>, item: ChannelItem): void {
    const target = gc.target;
    if (item.kind === 'bytes') decodeBuffer(item.data, target);
    else if (item.kind === 'batch') {
      const { values, timestamps } = item;
      if (timestamps === undefined) for (let i = 0; i < values.length; i++) target.record(values[i], undefined);
      else for (let i = 0; i < values.length; i++) target.record(values[i], timestamps[i]);
    } else target.event(item.event);
  }

  /**
   * A batch for a keyed head: decoded whole, its keys' state prefetched in one go (no await when
   * all are cached), then processed record by record, awaiting asynchronous user functions.
   */
  private async processKeyed(op: AbstractKeyedOperator, gc: GateChannel<BufferVisitor>, item: BytesItem | BatchItem): Promise<void> {
    let values: unknown[];
    let timestamps: Array<number | undefined> | undefined;
    if (item.kind === 'bytes') {
      const decoded = decodeToBatch(item.data);
      if (decoded.event !== undefined) {
        gc.target.event(decoded.event);
        return;
      }
      values = decoded.values;
      timestamps = decoded.timestamps;
    } else {
      values = item.values;
      timestamps = item.timestamps;
    }
    const loading = op.prepareBatch(values);
    const keys = op.preparedKeys;
    const entries = op.preparedEntries;
    if (loading !== undefined) await this.guard(loading);
    for (let i = 0; i < values.length; i++) {
      const pending = op.processRecord(values[i], timestamps?.[i], keys[i], entries[i]);
      if (pending !== undefined) await this.guard(pending);
    }
  }

  private async runInputs(): Promise<void> {
    const gate = this.gate;
    if (!gate) return;
    let turn = 0;
    // Processing-time timers restored from a checkpoint wake the task even before any input.
    this.scheduleProcessingTime();
    while (!gate.isFinished) {
      this.checkAsyncFailure();
      if (this.processingTimeDue) await this.fireProcessingTimers();
      if (!this.outputsReady()) {
        await this.waitForOutputs();
        continue;
      }
      const next = gate.poll();
      if (!next) {
        turn = 0;
        await this.guard(gate.whenAvailable());
        continue;
      }
      if (this.keyedHead !== undefined && next.item.kind !== 'event') await this.processKeyed(this.keyedHead, next.gc, next.item);
      else this.processItem(next.gc, next.item);
      if (this.eventWork !== undefined) {
        const work = this.eventWork;
        this.eventWork = undefined;
        await this.guard(work);
      }
      if (!next.gc.finished) next.gc.channel.recycle();
      this.scheduleProcessingTime();
      if (++turn >= ITEMS_PER_TURN) {
        turn = 0;
        await yieldToEventLoop();
      }
    }
  }

  /**
   * Keeps one wake-up armed for the keyed head's earliest processing-time timer. Timers fire
   * between inputs, never inside a batch, so a key's state is never touched by two callers.
   */
  private scheduleProcessingTime(): void {
    const next = this.keyedHead?.nextProcessingTime();
    if (next === this.processingTimerAt || this.processingTimeDue) return;
    if (this.processingTimer !== undefined) clearTimeout(this.processingTimer);
    this.processingTimer = undefined;
    this.processingTimerAt = next;
    if (next === undefined) return;
    this.processingTimer = setTimeout(() => {
      this.processingTimer = undefined;
      this.processingTimeDue = true;
      this.gate?.wake();
    }, Math.max(0, next - Date.now()));
  }

  private async fireProcessingTimers(): Promise<void> {
    this.processingTimeDue = false;
    this.processingTimerAt = undefined;
    const pending = this.keyedHead?.onProcessingTime(Date.now());
    if (pending !== undefined) await this.guard(pending);
    this.scheduleProcessingTime();
  }

  /** End of input: flush sinks, end partitions and wait until consumers took everything. */
  private async finishInput(): Promise<void> {
    this.checkAsyncFailure();
    // Guarded: a two-phase-commit sink waits here for its final checkpoint to complete.
    for (const op of this.operators) await this.guard(Promise.resolve(op.endInput()));
    for (const p of this.partitions) p.finish();
    await this.guard(Promise.all(this.partitions.map((p) => p.whenDrained())));
  }
}

/** One decoded network buffer: its records, or the event it carries. */
interface DecodedBuffer {
  readonly values: unknown[];
  /** Per-record timestamps, undefined when no record has one. */
  readonly timestamps: Array<number | undefined> | undefined;
  readonly event: StreamEvent | undefined;
}

function decodeToBatch(data: Buffer): DecodedBuffer {
  const values: unknown[] = [];
  let timestamps: Array<number | undefined> | undefined;
  let event: StreamEvent | undefined;
  decodeBuffer(data, {
    record(v, ts) {
      if (ts !== undefined && timestamps === undefined) timestamps = new Array<number | undefined>(values.length);
      values.push(v);
      timestamps?.push(ts);
    },
    event(ev) {
      event = ev;
    },
  });
  return { values, timestamps, event };
}

/** Operator keys (`uid:…`, `node-…`) as directory names. */
function fileSafe(key: string): string {
  return key.replace(/[^\w.-]/g, '_');
}
