/**
 * Key-group assignment, exactly as Flink's `KeyGroupRangeAssignment` and `MathUtils` compute it:
 * key → Java-compatible hashCode → murmur hash → key group in [0, maxParallelism) → the subtask
 * owning the contiguous key-group range that contains it. Keeping Flink's arithmetic means state
 * can be cut by key-group ranges and redistributed on rescaling.
 *
 * Pure functions only; no I/O.
 */

/** Java's `Integer.rotateLeft` on 32-bit ints. */
function rotl32(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/** Flink's `MathUtils.bitMix`. */
function bitMix(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x | 0;
}

/**
 * Flink's `MathUtils.murmurHash(int)`: a non-negative 32-bit hash of a 32-bit code.
 * @param code any 32-bit integer (higher bits are dropped).
 */
export function murmurHash(code: number): number {
  let h = Math.imul(code | 0, 0xcc9e2d51);
  h = rotl32(h, 15);
  h = Math.imul(h, 0x1b873593);
  h = rotl32(h, 13);
  h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  h ^= 4;
  h = bitMix(h);
  if (h >= 0) return h;
  if (h !== -2147483648) return -h;
  return 0;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** Java's `Long.hashCode` for a value given as high and low 32-bit words. */
function longHash(hi: number, lo: number): number {
  return (hi ^ lo) | 0;
}

/** Java `String.hashCode` over UTF-16 code units (JS strings are UTF-16 too, so it matches). */
export function stringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * A Java-compatible `hashCode` for a key:
 * - integers in int32 range hash as `Integer`, other safe integers as `Long`, other numbers as `Double`;
 * - strings as `String`, booleans as `Boolean`, bigints (64-bit) as `Long`, `null`/`undefined` as 0;
 * - arrays (composite keys, like Flink tuples) as `java.util.Arrays.hashCode` over their elements;
 * - `Date` as its epoch milliseconds (`Long`); other objects by their sorted own entries.
 * @throws TypeError for functions and symbols, which cannot be keys.
 */
export function keyHashCode(key: unknown): number {
  switch (typeof key) {
    case 'number':
      if ((key | 0) === key && !Object.is(key, -0)) return key;
      if (Number.isSafeInteger(key)) return safeIntegerHash(key);
      f64[0] = key;
      // Java's doubleToLongBits canonicalises NaN.
      if (Number.isNaN(key)) return longHash(0x7ff80000, 0);
      return longHash(u32[1]!, u32[0]!);
    case 'string':
      return stringHashCode(key);
    case 'boolean':
      return key ? 1231 : 1237;
    case 'bigint': {
      const v = BigInt.asUintN(64, key);
      return longHash(Number(v >> 32n), Number(v & 0xffffffffn));
    }
    case 'undefined':
      return 0;
    case 'object': {
      if (key === null) return 0;
      if (Array.isArray(key)) {
        let h = 1;
        for (const e of key) h = (Math.imul(31, h) + keyHashCode(e)) | 0;
        return h;
      }
      if (key instanceof Date) return safeIntegerHash(key.getTime());
      let h = 1;
      const entries = Object.entries(key).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      for (const [k, v] of entries) h = (Math.imul(31, h) + (stringHashCode(k) ^ keyHashCode(v))) | 0;
      return h;
    }
    default:
      throw new TypeError(`a ${typeof key} cannot be used as a key`);
  }
}

function safeIntegerHash(v: number): number {
  const hi = Math.floor(v / 4294967296);
  const lo = v - hi * 4294967296;
  return longHash(hi | 0, lo >>> 0);
}

/**
 * Flink's `KeyGroupRangeAssignment.assignToKeyGroup`: the key group of `key`.
 * @returns an integer in [0, maxParallelism).
 */
export function assignToKeyGroup(key: unknown, maxParallelism: number): number {
  return murmurHash(keyHashCode(key)) % maxParallelism;
}

/**
 * Flink's `computeOperatorIndexForKeyGroup`: which subtask owns `keyGroup`.
 * @returns an integer in [0, parallelism).
 */
export function operatorIndexForKeyGroup(maxParallelism: number, parallelism: number, keyGroup: number): number {
  return Math.floor((keyGroup * parallelism) / maxParallelism);
}

/** An inclusive range of key groups `[start, end]`; empty when `end < start`. */
export interface KeyGroupRange {
  readonly start: number;
  readonly end: number;
}

/** Flink's `computeKeyGroupRangeForOperatorIndex`: the key groups subtask `index` owns. */
export function keyGroupRangeForOperator(maxParallelism: number, parallelism: number, index: number): KeyGroupRange {
  return {
    start: Math.floor((index * maxParallelism + parallelism - 1) / parallelism),
    end: Math.floor(((index + 1) * maxParallelism - 1) / parallelism),
  };
}

/** The subtask that receives `key` in a keyBy exchange. */
export function subtaskForKey(key: unknown, maxParallelism: number, parallelism: number): number {
  return operatorIndexForKeyGroup(maxParallelism, parallelism, assignToKeyGroup(key, maxParallelism));
}

/**
 * Checks a (parallelism, maxParallelism) pair the way Flink does.
 * @returns an error message, or `undefined` when valid.
 */
export function validateParallelism(parallelism: number, maxParallelism: number, upperBound = 32768): string | undefined {
  if (!Number.isInteger(parallelism) || parallelism < 1) return `parallelism must be a positive integer, got ${parallelism}`;
  if (!Number.isInteger(maxParallelism) || maxParallelism < 1 || maxParallelism > upperBound)
    return `max parallelism must be an integer in [1, ${upperBound}], got ${maxParallelism}`;
  if (parallelism > maxParallelism)
    return `parallelism ${parallelism} is greater than max parallelism ${maxParallelism}`;
  return undefined;
}
