/**
 * A task's part in asynchronous barrier snapshotting (Flink: SubtaskCheckpointCoordinator with
 * the aligned CheckpointBarrierHandler). At an aligned barrier — or a trigger, at a source — it
 * takes the synchronous snapshot of every operator in the chain, forwards the barrier in-band, and
 * then writes the snapshot files and acknowledges while the task goes on processing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  BarrierAligner,
  checkpointDirName,
  describeError,
  type AlignmentAction,
  type FsCheckpointStorage,
  type Logger,
  type OperatorSubtaskState,
  type StateHandle,
  type StreamEvent,
} from '@eddy/common';
import type { KeyedSnapshotWriter } from '../operators/operator-state.js';
import type { StreamOperator } from '../operators/stream-operator.js';
import type { TaskIdentity, TaskServices } from './task-services.js';

/** What the checkpointing needs from its task. */
export interface CheckpointHost {
  readonly identity: TaskIdentity;
  readonly services: TaskServices;
  readonly log: Logger;
  /** The chain's operators with their state keys (uid, else node id). */
  operators(): ReadonlyArray<{ readonly key: string; readonly op: StreamOperator }>;
  /** The source's split positions, for source tasks. */
  sourceState(): { readonly key: string; readonly splits: readonly unknown[] } | undefined;
  /** Emits an in-band event on every output. */
  broadcast(event: StreamEvent): void;
}

/** Checkpointing of one task. */
export class CheckpointSupport {
  /** Present for tasks with network inputs. */
  readonly aligner: BarrierAligner | undefined;

  constructor(
    private readonly host: CheckpointHost,
    private readonly storage: FsCheckpointStorage | undefined,
    inputChannels: number,
  ) {
    this.aligner = inputChannels > 0 ? new BarrierAligner(inputChannels) : undefined;
  }

  /** A barrier arrived on input `channel`. */
  onBarrier(channel: number, ev: Extract<StreamEvent, { kind: 'barrier' }>): void {
    this.apply(this.aligner!.onBarrier(channel, ev.checkpointId, ev.timestamp, ev.savepoint));
  }

  /** A cancellation marker arrived on some input. */
  onCancelMarker(checkpointId: number): void {
    this.apply(this.aligner!.onCancel(checkpointId));
  }

  /** Input `channel` ended: it no longer takes part in alignment. */
  onEndOfPartition(channel: number): void {
    if (this.aligner) this.apply(this.aligner.onEndOfPartition(channel));
  }

  private apply(actions: readonly AlignmentAction[]): void {
    for (const a of actions) {
      if (a.kind === 'trigger') this.perform(a.checkpointId, a.timestamp, a.savepoint);
      else {
        this.host.broadcast({ kind: 'cancel-checkpoint', checkpointId: a.checkpointId });
        this.host.services.declineCheckpoint(this.host.identity, a.checkpointId, a.reason, true);
      }
    }
  }

  /**
   * Takes checkpoint `checkpointId` now: synchronous snapshot, barrier forwarded, then files
   * written and acknowledged asynchronously. A failure declines the checkpoint; it never fails
   * the task.
   */
  perform(checkpointId: number, timestamp: number, savepoint: boolean): void {
    const { identity, services, log } = this.host;
    if (!this.storage) {
      services.declineCheckpoint(identity, checkpointId, 'checkpointing is not configured for this task', false);
      return;
    }
    const storage = this.storage;
    const keyed: Array<{ key: string; writer: KeyedSnapshotWriter }> = [];
    const operators: Record<string, OperatorSubtaskState> = {};
    try {
      for (const { key, op } of this.host.operators()) {
        const snap = op.snapshotState(checkpointId);
        if (snap?.keyed) keyed.push({ key, writer: snap.keyed });
        operators[key] = {
          keyed: [],
          ...(snap?.committables ? { committables: snap.committables } : {}),
          ...(snap?.operatorState ? { operatorState: snap.operatorState } : {}),
        };
      }
      const source = this.host.sourceState();
      // A JSON round trip copies the positions, so later reads cannot change the snapshot.
      if (source) operators[source.key] = { keyed: [], splits: JSON.parse(JSON.stringify(source.splits)) as unknown[] };
    } catch (err) {
      for (const k of keyed) void Promise.resolve(k.writer.discard()).catch(() => undefined);
      log.warn({ checkpointId, err: describeError(err) }, 'snapshot failed; checkpoint declined');
      this.host.broadcast({ kind: 'cancel-checkpoint', checkpointId });
      services.declineCheckpoint(identity, checkpointId, `snapshot failed: ${describeError(err)}`, false);
      return;
    }
    this.host.broadcast({ kind: 'barrier', checkpointId, timestamp, savepoint });

    const dir = `${checkpointDirName(checkpointId)}/${identity.vertexId}-${identity.subtask}`;
    // Writers from `started` on were neither written nor discarded yet.
    let started = 0;
    void (async () => {
      let size = 0;
      let fullSize = 0;
      for (const { key, writer } of keyed) {
        started++;
        const rel = `${dir}/${fileSafe(key)}.keyed`;
        const file = storage.resolve(rel);
        await fs.promises.mkdir(path.dirname(file), { recursive: true });
        const written = await writer.writeTo(file);
        size += written.bytes;
        const handle: StateHandle = {
          path: rel,
          size: written.bytes,
          sha256: written.sha256,
          ...(written.keyGroups ? { keyGroups: written.keyGroups } : {}),
        };
        const shared = writer.shared ?? [];
        for (const h of shared) fullSize += h.size;
        fullSize += written.bytes;
        writer.written?.(handle);
        operators[key] = { ...operators[key]!, keyed: [...shared, handle] };
      }
      services.acknowledgeCheckpoint(identity, checkpointId, {
        vertexId: identity.vertexId,
        subtask: identity.subtask,
        operators,
        incrementalSize: size,
        fullSize,
      });
    })().catch((err: unknown) => {
      for (const k of keyed.slice(started)) void Promise.resolve(k.writer.discard()).catch(() => undefined);
      log.warn({ checkpointId, err: describeError(err) }, 'writing the snapshot failed; checkpoint declined');
      services.declineCheckpoint(identity, checkpointId, `writing the snapshot failed: ${describeError(err)}`, false);
    });
  }

  /** The coordinator's verdict on `checkpointId`. */
  notify(checkpointId: number, completed: boolean): void {
    for (const { op } of this.host.operators()) {
      const done = completed ? op.notifyCheckpointComplete(checkpointId) : op.notifyCheckpointAborted(checkpointId);
      Promise.resolve(done).catch((err: unknown) =>
        this.host.log.warn({ checkpointId, err: describeError(err) }, 'checkpoint-complete notification failed'),
      );
    }
  }
}

/** Operator keys (`uid:…`, `node-…`) as file names. */
function fileSafe(key: string): string {
  return key.replace(/[^\w.-]/g, '_');
}
