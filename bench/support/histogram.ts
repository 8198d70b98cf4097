/**
 * A fixed-bucket latency histogram: 0.1 ms buckets from 0 to 1 s plus one overflow bucket. Fixed
 * buckets make histograms from different subtasks and periods mergeable by plain addition, and
 * recording a value is one array increment, cheap enough for a sink that sees every record.
 *
 * Pure code with no Node imports: the latency job's sink bundles it into the job artifact.
 */

/** Width of one bucket in milliseconds. */
export const BUCKET_MS = 0.1;
/** Values at or above this many milliseconds land in the overflow bucket. */
export const RANGE_MS = 1000;
const BUCKETS = Math.round(RANGE_MS / BUCKET_MS);

/** The JSON form of a {@link LatencyHistogram}: non-empty buckets only. */
export interface HistogramJson {
  /** `[bucketIndex, count]` pairs; index {@link RANGE_MS}/{@link BUCKET_MS} is the overflow bucket. */
  readonly buckets: ReadonlyArray<readonly [number, number]>;
  readonly count: number;
  /** Sum of all values in ms (for the mean). */
  readonly sum: number;
  /** Smallest and largest value in ms; 0 when empty. */
  readonly min: number;
  readonly max: number;
  /** Values below zero (clock differences between processes), counted in bucket 0. */
  readonly negative: number;
}

/** Latencies in milliseconds, bucketed with 0.1 ms resolution up to 1 s. */
export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS + 1);
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  negative = 0;

  /** Adds one value in milliseconds. Negative values count in bucket 0 and in {@link negative}. */
  record(ms: number): void {
    let idx = Math.floor(ms / BUCKET_MS);
    if (idx < 0) {
      idx = 0;
      this.negative++;
    } else if (idx > BUCKETS) idx = BUCKETS;
    this.counts[idx]!++;
    this.count++;
    this.sum += ms;
    if (ms < this.min) this.min = ms;
    if (ms > this.max) this.max = ms;
  }

  /** Adds every value of `other` to this histogram. */
  merge(other: LatencyHistogram): void {
    for (let i = 0; i <= BUCKETS; i++) this.counts[i]! += other.counts[i]!;
    this.count += other.count;
    this.sum += other.sum;
    this.negative += other.negative;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
  }

  /**
   * The `q`-quantile (0 < q ≤ 1) in milliseconds: the upper edge of the bucket holding the
   * ⌈q·count⌉-th smallest value, so it errs high by less than one bucket. For values in the
   * overflow bucket it returns {@link max}.
   * @returns NaN for an empty histogram.
   */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i <= BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return i === BUCKETS ? this.max : Math.min((i + 1) * BUCKET_MS, this.max);
    }
    return this.max;
  }

  /** Mean in milliseconds; NaN when empty. */
  mean(): number {
    return this.count === 0 ? NaN : this.sum / this.count;
  }

  /** Empties the histogram. */
  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.sum = 0;
    this.min = Infinity;
    this.max = -Infinity;
    this.negative = 0;
  }

  /** The non-empty buckets and summary fields, for handing the histogram to another process. */
  toJSON(): HistogramJson {
    const buckets: Array<[number, number]> = [];
    for (let i = 0; i <= BUCKETS; i++) if (this.counts[i]! > 0) buckets.push([i, this.counts[i]!]);
    const empty = this.count === 0;
    return {
      buckets,
      count: this.count,
      sum: this.sum,
      min: empty ? 0 : this.min,
      max: empty ? 0 : this.max,
      negative: this.negative,
    };
  }

  /**
   * Rebuilds a histogram from {@link toJSON}'s output.
   * @throws RangeError when a bucket index is out of range.
   */
  static fromJSON(json: HistogramJson): LatencyHistogram {
    const h = new LatencyHistogram();
    for (const [idx, n] of json.buckets) {
      if (!Number.isInteger(idx) || idx < 0 || idx > BUCKETS) throw new RangeError(`bucket index ${idx} out of range`);
      h.counts[idx]! += n;
    }
    h.count = json.count;
    h.sum = json.sum;
    h.negative = json.negative;
    if (json.count > 0) {
      h.min = json.min;
      h.max = json.max;
    }
    return h;
  }
}
