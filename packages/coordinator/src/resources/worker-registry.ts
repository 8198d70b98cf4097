/**
 * Registered workers (Flink: ResourceManager's TaskExecutor registry): their addresses, slots,
 * which slots are taken by which job, and liveness by heartbeat and by the registration stream.
 */
import { TypedEmitter } from './typed-emitter.js';

/** A registered worker. */
export interface RegisteredWorker {
  readonly workerId: string;
  readonly address: string;
  readonly slots: number;
  readonly pid: number;
  lastHeartbeat: number;
  /** Job id per taken slot. */
  readonly slotOwners: Array<string | undefined>;
}

/** Events of the registry. */
export type WorkerRegistryEvents = {
  /** A worker registered or freed slots: waiting jobs may now fit. */
  'slots-available': [];
  /** A worker is gone; its tasks are lost. */
  'worker-lost': [workerId: string, reason: string];
};

/** Tracks workers and slots. */
export class WorkerRegistry extends TypedEmitter<WorkerRegistryEvents> {
  private readonly workers = new Map<string, RegisteredWorker>();

  /** Registers (or re-registers, replacing) a worker. */
  register(w: { workerId: string; address: string; slots: number; pid: number }): RegisteredWorker {
    const previous = this.workers.get(w.workerId);
    if (previous) this.lose(w.workerId, 'worker registered again');
    const entry: RegisteredWorker = {
      ...w,
      lastHeartbeat: Date.now(),
      slotOwners: new Array<string | undefined>(w.slots).fill(undefined),
    };
    this.workers.set(w.workerId, entry);
    this.emit('slots-available');
    return entry;
  }

  get(workerId: string): RegisteredWorker | undefined {
    return this.workers.get(workerId);
  }

  all(): RegisteredWorker[] {
    return [...this.workers.values()].sort((a, b) => (a.workerId < b.workerId ? -1 : 1));
  }

  /** Records a heartbeat. @returns false when the worker is unknown (it must register again). */
  heartbeat(workerId: string): boolean {
    const w = this.workers.get(workerId);
    if (!w) return false;
    w.lastHeartbeat = Date.now();
    return true;
  }

  /** Removes a worker and announces the loss; no-op for unknown workers. */
  lose(workerId: string, reason: string): void {
    if (!this.workers.delete(workerId)) return;
    this.emit('worker-lost', workerId, reason);
  }

  /** Workers whose last heartbeat is older than `timeoutMs`. */
  expired(now: number, timeoutMs: number): string[] {
    return this.all()
      .filter((w) => now - w.lastHeartbeat > timeoutMs)
      .map((w) => w.workerId);
  }

  freeSlots(w: RegisteredWorker): number {
    return w.slotOwners.filter((o) => o === undefined).length;
  }

  totalFreeSlots(): number {
    return this.all().reduce((n, w) => n + this.freeSlots(w), 0);
  }

  /** Marks one free slot of `workerId` as taken by `jobId`. @returns false when none is free. */
  take(workerId: string, jobId: string): boolean {
    const w = this.workers.get(workerId);
    if (!w) return false;
    const i = w.slotOwners.indexOf(undefined);
    if (i < 0) return false;
    w.slotOwners[i] = jobId;
    return true;
  }

  /** Frees every slot `jobId` holds, on all workers. */
  releaseJob(jobId: string): void {
    let freed = false;
    for (const w of this.workers.values()) {
      for (let i = 0; i < w.slotOwners.length; i++) {
        if (w.slotOwners[i] === jobId) {
          w.slotOwners[i] = undefined;
          freed = true;
        }
      }
    }
    if (freed) this.emit('slots-available');
  }
}
