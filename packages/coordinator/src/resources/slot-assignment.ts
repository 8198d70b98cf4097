/**
 * Slot assignment (pure). With slot sharing, as in Flink, slot i hosts subtask i of every vertex,
 * so a job needs as many slots as its largest parallelism. Slots are spread across workers
 * (Flink: cluster.evenly-spread-out-slots) so that one lost worker takes as little as possible.
 */

/** A worker as the assignment sees it. */
export interface SlotOffer {
  readonly workerId: string;
  readonly freeSlots: number;
}

/**
 * Picks a worker for each of `required` slots, always the one with the most free slots left
 * (ties by worker id, for determinism).
 * @returns the worker id per slot index, or undefined when there are not enough free slots.
 */
export function assignSlots(required: number, offers: readonly SlotOffer[]): string[] | undefined {
  const free = new Map(offers.map((o) => [o.workerId, o.freeSlots]));
  const total = [...free.values()].reduce((a, b) => a + b, 0);
  if (total < required) return undefined;
  const out: string[] = [];
  for (let i = 0; i < required; i++) {
    let best: string | undefined;
    let bestFree = 0;
    for (const [id, n] of free) {
      if (n > bestFree || (n === bestFree && n > 0 && best !== undefined && id < best)) {
        best = id;
        bestFree = n;
      }
    }
    if (best === undefined) return undefined;
    out.push(best);
    free.set(best, bestFree - 1);
  }
  return out;
}
