/** Names a side output (Flink: OutputTag). Two tags with the same id are the same output. */
export class OutputTag<T> {
  /** @throws TypeError for an empty id. */
  constructor(readonly id: string) {
    if (typeof id !== 'string' || id.length === 0) throw new TypeError('an OutputTag needs a non-empty id');
  }

  /** Phantom use of T keeps the tag typed by its records. */
  protected readonly _recordType?: T;
}
