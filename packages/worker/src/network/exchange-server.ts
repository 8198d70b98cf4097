/**
 * Producer side of remote data exchange (Flink: PartitionRequestServerHandler): serves one
 * subpartition per Subscribe stream, sending a buffer only while the consumer has credit and
 * gRPC's own flow control accepts more.
 */
import {
  RecordBufferBuilder,
  RUNTIME_DEFAULTS,
  encodeEvent,
  grpc,
  type ExchangeDownstream,
  type ExchangeHandlers,
  type ExchangeUpstream__Output,
  type Logger,
} from '@eddy/common';
import type { ChannelItem } from './channel-item.js';
import { partitionKey, type PartitionRegistry } from './partition-registry.js';
import type { Subpartition } from './subpartition.js';
import { UpstreamCanceledError } from './upstream-canceled.js';

/** Encodes an item for the wire (same-worker batches are encoded only as a fallback). */
function toBytes(item: ChannelItem): Buffer {
  if (item.kind === 'bytes') return item.data;
  if (item.kind === 'event') return encodeEvent(item.event);
  const b = new RecordBufferBuilder(RUNTIME_DEFAULTS.bufferSizeBytes);
  item.values.forEach((v, i) => b.add(v, item.timestamps?.[i]));
  return b.take() ?? Buffer.alloc(0);
}

/** Builds the Exchange service handlers. */
export function exchangeHandlers(registry: PartitionRegistry, logger: Logger): ExchangeHandlers {
  return {
    Subscribe(call: grpc.ServerDuplexStream<ExchangeUpstream__Output, ExchangeDownstream>) {
      let sub: Subpartition | undefined;
      let credit = 0;
      let waitingForDrain = false;
      let done = false;

      const finish = (err?: { code: number; details: string }): void => {
        if (done) return;
        done = true;
        sub?.setDataListener(undefined);
        if (err) call.emit('error', err);
        else call.end();
      };

      const pump = (): void => {
        if (!sub || done || waitingForDrain) return;
        if (sub.releasedCause) {
          // CANCELLED tells the consumer to stop as canceled; ABORTED that the producer failed.
          const code = sub.releasedCause instanceof UpstreamCanceledError ? grpc.status.CANCELLED : grpc.status.ABORTED;
          finish({ code, details: `producer released the partition: ${sub.releasedCause.message}` });
          return;
        }
        while (credit > 0) {
          const item = sub.poll();
          if (!item) return;
          credit--;
          const ok = call.write({ buffer: toBytes(item) });
          if (item.kind === 'event' && item.event.kind === 'end-of-partition') {
            finish();
            return;
          }
          if (!ok) {
            waitingForDrain = true;
            call.once('drain', () => {
              waitingForDrain = false;
              pump();
            });
            return;
          }
        }
      };

      call.on('data', (msg: ExchangeUpstream__Output) => {
        if (msg.subscribe) {
          if (sub) return;
          const s = msg.subscribe;
          if (!s.fence?.jobId || !s.edgeId) {
            finish({ code: grpc.status.INVALID_ARGUMENT, details: 'subscribe needs a fence and an edge id' });
            return;
          }
          credit += s.initialCredit;
          const key = partitionKey(s.fence.jobId, s.fence.attempt, s.edgeId, s.producerSubtask);
          registry.request(key, RUNTIME_DEFAULTS.partitionRequestTimeoutMs).then(
            (partition) => {
              const target = partition.subpartitions[s.subpartition];
              if (!target) {
                finish({ code: grpc.status.INVALID_ARGUMENT, details: `partition ${key} has no subpartition ${s.subpartition}` });
                return;
              }
              if (target.hasReader) {
                finish({ code: grpc.status.ALREADY_EXISTS, details: `subpartition ${s.subpartition} of ${key} already has a reader` });
                return;
              }
              target.hasReader = true;
              sub = target;
              sub.setDataListener(pump);
              pump();
            },
            (err: Error) => finish({ code: grpc.status.NOT_FOUND, details: err.message }),
          );
        } else if (msg.credit) {
          credit += msg.credit;
          pump();
        }
      });
      call.on('error', (err) => {
        logger.debug({ err: err.message }, 'subscriber stream failed');
        done = true;
        sub?.setDataListener(undefined);
      });
      call.on('cancelled', () => {
        done = true;
        sub?.setDataListener(undefined);
      });
    },
  };
}
