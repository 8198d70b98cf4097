/**
 * The emitter at the end of a chain that writes into a result partition, choosing the
 * subpartition as the edge's partitioner says (Flink: RecordWriterOutput + StreamPartitioner).
 */
import { subtaskForKey, type PartitionerKind } from '@eddy/common';
import type { KeySelector } from '@eddy/api';
import type { Emitter } from '../operators/emitter.js';
import type { ResultPartition } from './result-partition.js';

/** Writes records into a partition. */
export class RecordWriterEmitter implements Emitter {
  private nextChannel: number;
  private readonly channels: number;

  constructor(
    readonly partition: ResultPartition,
    private readonly partitioner: PartitionerKind,
    private readonly ownSubtask: number,
    private readonly maxParallelism: number,
    private readonly keySelector: KeySelector<unknown, unknown> | undefined,
  ) {
    this.channels = partition.subpartitions.length;
    // Start round-robin at our own index so that producers spread from different places.
    this.nextChannel = ownSubtask % this.channels;
    if (partitioner === 'hash' && !keySelector) throw new Error('a hash partitioned edge needs a key selector');
    if (partitioner === 'forward' && ownSubtask >= this.channels)
      throw new Error(`forward edge from subtask ${ownSubtask} into only ${this.channels} subtasks`);
  }

  collect(value: unknown, timestamp: number | undefined): void {
    let ch: number;
    if (this.partitioner === 'hash') {
      ch = subtaskForKey(this.keySelector!(value), this.maxParallelism, this.channels);
    } else if (this.partitioner === 'rebalance') {
      ch = this.nextChannel;
      this.nextChannel = ch + 1 === this.channels ? 0 : ch + 1;
    } else {
      ch = this.ownSubtask;
    }
    this.partition.emit(ch, value, timestamp);
  }

  emitWatermark(watermark: number): void {
    this.partition.broadcastEvent({ kind: 'watermark', timestamp: watermark });
  }

  emitStatus(idle: boolean): void {
    this.partition.broadcastEvent({ kind: 'stream-status', idle });
  }
}
