import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assignToKeyGroup,
  keyGroupRangeForOperator,
  keyHashCode,
  murmurHash,
  operatorIndexForKeyGroup,
  stringHashCode,
  subtaskForKey,
  validateParallelism,
} from './key-groups.js';

test('murmurHash matches Flink MathUtils.murmurHash reference values', () => {
  // Reference values printed by the JVM running Flink's MathUtils.murmurHash(int) algorithm.
  const reference: Array<[number, number]> = [
    [0, 593689054],
    [1, 68075478],
    [2, 1085422463],
    [42, 1134849565],
    [-1, 1982413648],
    [2147483647, 1653689534],
    [-2147483648, 1718298732],
  ];
  for (const [input, expected] of reference) {
    const h = murmurHash(input);
    assert.ok(h >= 0 && h <= 2147483647, `non-negative int for ${input}`);
    assert.equal(h, expected, `murmurHash(${input})`);
  }
});

test('Java hashCode compatibility', () => {
  assert.equal(stringHashCode(''), 0);
  assert.equal(stringHashCode('a'), 97);
  assert.equal(stringHashCode('hello'), 99162322);
  assert.equal(stringHashCode('polygenelubricants'), -2147483648);
  assert.equal(keyHashCode(7), 7);
  assert.equal(keyHashCode(-7), -7);
  assert.equal(keyHashCode(true), 1231);
  assert.equal(keyHashCode(false), 1237);
  assert.equal(keyHashCode(null), 0);
  // Long.hashCode(2^32) = 1 ; Long.hashCode(-1L) = 0
  assert.equal(keyHashCode(4294967296), 1);
  assert.equal(keyHashCode(-4294967297), keyHashCode(BigInt(-4294967297)));
  assert.equal(keyHashCode(-1n), 0);
  // Double.hashCode(1.5) = 1073217536
  assert.equal(keyHashCode(1.5), 1073217536);
  // JVM: MathUtils.murmurHash("hello".hashCode()) % 128 == 35
  assert.equal(assignToKeyGroup('hello', 128), 35);
  // Arrays.hashCode([1,2]) = 31*(31*1+1)+2 = 994
  assert.equal(keyHashCode([1, 2]), 994);
  assert.equal(keyHashCode({ b: 1, a: 2 }), keyHashCode({ a: 2, b: 1 }));
  assert.throws(() => keyHashCode(() => 1), /cannot be used as a key/);
  assert.throws(() => keyHashCode(Symbol('x')), /cannot be used as a key/);
});

test('key groups lie in [0, maxParallelism) and ranges partition them exactly', () => {
  for (const maxP of [1, 2, 7, 128, 1000, 32768]) {
    for (let k = -500; k < 500; k++) {
      const g = assignToKeyGroup(k, maxP);
      assert.ok(Number.isInteger(g) && g >= 0 && g < maxP);
    }
    for (const p of [1, 2, 3, 4, 5, 7, 16, 128].filter((x) => x <= maxP)) {
      let expectStart = 0;
      for (let i = 0; i < p; i++) {
        const r = keyGroupRangeForOperator(maxP, p, i);
        assert.equal(r.start, expectStart, `contiguous ranges maxP=${maxP} p=${p} i=${i}`);
        for (let g = r.start; g <= r.end; g++) assert.equal(operatorIndexForKeyGroup(maxP, p, g), i);
        expectStart = r.end + 1;
      }
      assert.equal(expectStart, maxP, `ranges cover every key group maxP=${maxP} p=${p}`);
    }
  }
});

test('subtaskForKey is the owner of the key group', () => {
  for (let k = 0; k < 2000; k++) {
    const g = assignToKeyGroup(`user-${k}`, 128);
    const s = subtaskForKey(`user-${k}`, 128, 4);
    const r = keyGroupRangeForOperator(128, 4, s);
    assert.ok(g >= r.start && g <= r.end);
  }
});

test('validateParallelism', () => {
  assert.equal(validateParallelism(4, 128), undefined);
  assert.match(validateParallelism(0, 128) ?? '', /positive integer/);
  assert.match(validateParallelism(200, 128) ?? '', /greater than max parallelism 128/);
  assert.match(validateParallelism(1, 40000) ?? '', /max parallelism must be/);
});
