import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseStoredTimer, storedTimer, TimerDomain } from './timer-service.js';

// A fixed seed keeps every run identical; a failure prints the counterexample to turn into a case.
fc.configureGlobal({ seed: 20261203 });

test('stored timers parse back exactly: domain, time and window, for any finite times', () => {
  const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
  fc.assert(
    fc.property(fc.constantFrom(TimerDomain.EventTime, TimerDomain.ProcessingTime), finite, fc.option(fc.tuple(finite, finite), { nil: undefined }), (domain, time, ns) => {
      const parsed = parseStoredTimer(storedTimer(domain, time, ns));
      assert.equal(parsed.domain, domain);
      // -0 comes back as 0: the same time to the timer index, which keys by SameValueZero.
      assert.ok(parsed.time === time, `${parsed.time} vs ${time}`);
      assert.deepEqual(parsed.ns, ns?.map((x) => x + 0));
    }),
    { numRuns: 1000 },
  );
  assert.equal(storedTimer(TimerDomain.EventTime, 1999, [1000, 2000]), '0:1999:1000:2000');
  assert.equal(storedTimer(TimerDomain.ProcessingTime, -5.25, undefined), '1:-5.25');
});

test('the array form of earlier checkpoints parses too; anything else is refused', () => {
  assert.deepEqual(parseStoredTimer([0, 1999, 1000, 2000]), { domain: TimerDomain.EventTime, time: 1999, ns: [1000, 2000] });
  assert.deepEqual(parseStoredTimer([1, 7]), { domain: TimerDomain.ProcessingTime, time: 7, ns: undefined });
  for (const bad of ['', '0', '0:1:2', '0:x', 'a:b:c:d', [0], [0, 1, 2], ['0', 1], 5, null, { time: 1 }, '0:Infinity'])
    assert.throws(() => parseStoredTimer(bad), RangeError, JSON.stringify(bad));
});
