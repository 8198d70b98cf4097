/**
 * The result partitions produced on this worker, by key, so that consumers — local input
 * channels or the exchange server for remote ones — can find them. A request may arrive before
 * the producing task is deployed; it then waits, with a deadline (Flink retries
 * PartitionNotFound the same way).
 */
import type { ResultPartition } from './result-partition.js';

/** Registry key of a partition. */
export function partitionKey(jobId: string, attempt: number, edgeId: string, producerSubtask: number): string {
  return `${jobId}/${attempt}/${edgeId}/${producerSubtask}`;
}

interface Waiter {
  resolve: (p: ResultPartition) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/** Partitions of this worker. */
export class PartitionRegistry {
  private readonly partitions = new Map<string, ResultPartition>();
  private readonly waiters = new Map<string, Waiter[]>();

  register(p: ResultPartition): void {
    this.partitions.set(p.key, p);
    const ws = this.waiters.get(p.key);
    if (ws) {
      this.waiters.delete(p.key);
      for (const w of ws) {
        clearTimeout(w.timer);
        w.resolve(p);
      }
    }
  }

  unregister(p: ResultPartition): void {
    if (this.partitions.get(p.key) === p) this.partitions.delete(p.key);
  }

  /**
   * The partition with `key`, waiting up to `timeoutMs` for it to be registered.
   * @throws Error when it does not appear in time.
   */
  request(key: string, timeoutMs: number): Promise<ResultPartition> {
    const p = this.partitions.get(key);
    if (p) return Promise.resolve(p);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          const list = this.waiters.get(key) ?? [];
          const i = list.indexOf(waiter);
          if (i >= 0) list.splice(i, 1);
          if (list.length === 0) this.waiters.delete(key);
          reject(new Error(`partition ${key} was not produced within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      const list = this.waiters.get(key) ?? [];
      list.push(waiter);
      this.waiters.set(key, list);
    });
  }

  /** Fails every waiter of the job's attempts up to `upToAttempt` (their tasks are gone). */
  cancelWaiters(jobId: string, upToAttempt: number, cause: Error): void {
    for (const [key, ws] of this.waiters) {
      const [j, attempt] = key.split('/');
      if (j !== jobId || Number(attempt) > upToAttempt) continue;
      this.waiters.delete(key);
      for (const w of ws) {
        clearTimeout(w.timer);
        w.reject(cause);
      }
    }
  }
}
