/** What a task needs from its worker. */
import type { Fence__Output, Logger, TaskState, TaskStateSnapshot } from '@eddy/common';
import type { KeyedStateOptions } from '../operators/keyed-operator.js';
import type { ExchangeClients } from '../network/input-channel.js';
import type { PartitionRegistry } from '../network/partition-registry.js';

/** Worker services shared by all tasks of a worker. */
export interface TaskServices {
  readonly workerId: string;
  readonly partitions: PartitionRegistry;
  readonly exchangeClients: ExchangeClients;
  readonly logger: Logger;
  /** Worker-local directory for operator working state (RocksDB); `<dataDir>/state`. */
  readonly localStateRoot: string;
  /** Sizing of keyed operators' state backends. */
  readonly keyedState: KeyedStateOptions;
  /** Reports a state change to the coordinator (with the task's latest metrics). */
  reportState(task: TaskIdentity, state: TaskState, failure: string, metrics: OperatorCounters[]): void;
  /** Hands CollectSink records to the coordinator. */
  pushCollected(fence: Fence__Output, sinkName: string, subtask: number, records: string[]): Promise<void>;
  writeStdout(text: string): void;
  /** Tells the coordinator the task's snapshot of `checkpointId` is written (best effort, logged). */
  acknowledgeCheckpoint(task: TaskIdentity, checkpointId: number, snapshot: TaskStateSnapshot): void;
  /**
   * Tells the coordinator the task cannot take `checkpointId`: `subsumed` when it gave the
   * checkpoint up for a newer one or because it was canceled upstream, otherwise because its
   * snapshot failed (which counts against the job's tolerable checkpoint failures).
   */
  declineCheckpoint(task: TaskIdentity, checkpointId: number, reason: string, subsumed: boolean): void;
  /**
   * Tells the coordinator that source task `task` reached the end of its input and waits for its
   * final checkpoint; `lastCheckpointId` is the last checkpoint it took before (0: none). Sent
   * after the task's earlier state reports. Best effort: when it is lost, the coordinator's next
   * periodic trigger takes the final checkpoint instead.
   */
  notifyEndOfData(task: TaskIdentity, lastCheckpointId: number): void;
}

/** Identifies a subtask execution. */
export interface TaskIdentity {
  readonly fence: Fence__Output;
  readonly vertexId: string;
  readonly subtask: number;
}

/** Counters of one operator. */
export interface OperatorCounters {
  readonly operatorId: string;
  readonly recordsIn: number;
  readonly recordsOut: number;
  /** Records dropped for being too late for every window. */
  readonly lateRecordsDropped: number;
}
