import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { EddyError, GrpcStatus } from '../errors.js';
import { EtcdStartError, findFreePort, startEtcd, type EtcdServer } from '../testing/index.js';
import {
  EtcdMetadataStore,
  FileMetadataStore,
  keys,
  normalizeEtcdEndpoints,
  openMetadataStore,
  type MetadataStore,
} from './index.js';

// A fixed seed keeps every run identical; a failure prints the counterexample to turn into a case.
fc.configureGlobal({ seed: 20261125 });

const run = promisify(execFile);

/** Opens a store whose key space is empty. */
type FreshStore = () => Promise<MetadataStore>;

async function withStore(fresh: FreshStore, body: (store: MetadataStore) => Promise<void>): Promise<void> {
  const store = await fresh();
  try {
    await body(store);
  } finally {
    await store.close();
  }
}

/** Reference order: etcd sorts keys by UTF-8 bytes. */
const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

async function assertRejectsWithin(
  promise: Promise<unknown>,
  deadlineMs: number,
  check: (err: unknown) => boolean,
): Promise<void> {
  const started = Date.now();
  await assert.rejects(promise, (err) => {
    assert.ok(check(err), `unexpected error: ${String(err)}`);
    return true;
  });
  const elapsed = Date.now() - started;
  assert.ok(elapsed < deadlineMs, `rejected after ${elapsed} ms, deadline ${deadlineMs} ms`);
}

/** The behaviour every MetadataStore must have; run once per implementation. */
function contract(fresh: FreshStore): void {
  test('get of a missing key resolves undefined', () =>
    withStore(fresh, async (s) => {
      assert.equal(await s.get(keys.job('missing')), undefined);
    }));

  test('put creates and then replaces a value', () =>
    withStore(fresh, async (s) => {
      await s.put(keys.job('a'), 'v1');
      assert.equal(await s.get(keys.job('a')), 'v1');
      await s.put(keys.job('a'), 'v2');
      assert.equal(await s.get(keys.job('a')), 'v2');
      assert.deepEqual(await s.list(keys.jobsPrefix()), [{ key: keys.job('a'), value: 'v2' }]);
    }));

  test('values round-trip unchanged: empty, unicode, JSON, large', () =>
    withStore(fresh, async (s) => {
      const values = ['', 'héllo \u{1F600} \u0000 end', JSON.stringify({ a: [1, 'two'], b: null }), 'x'.repeat(256 * 1024)];
      for (const [i, value] of values.entries()) await s.put(keys.job(`v${i}`), value);
      for (const [i, value] of values.entries()) assert.equal(await s.get(keys.job(`v${i}`)), value);
    }));

  test('delete resolves true for an existing key and false otherwise', () =>
    withStore(fresh, async (s) => {
      await s.put(keys.job('a'), 'v');
      assert.equal(await s.delete(keys.job('a')), true);
      assert.equal(await s.get(keys.job('a')), undefined);
      assert.equal(await s.delete(keys.job('a')), false);
      assert.equal(await s.delete(keys.job('never')), false);
    }));

  test('list is sorted by key in UTF-8 byte order', () =>
    withStore(fresh, async (s) => {
      // U+E000 sorts before U+1F600 in UTF-8 bytes but after it in UTF-16 code units.
      const sorted = ['/eddy/jobs/B', '/eddy/jobs/a', '/eddy/jobs/a/x', '/eddy/jobs/ab', '/eddy/jobs/\uE000', '/eddy/jobs/\u{1F600}'];
      for (const key of [...sorted].reverse()) await s.put(key, `v:${key}`);
      const listed = await s.list('/eddy/jobs/');
      assert.deepEqual(
        listed.map((e) => e.key),
        sorted,
      );
      assert.deepEqual(
        listed.map((e) => e.value),
        sorted.map((k) => `v:${k}`),
      );
    }));

  test('list respects prefix boundaries (/eddy/jobs/a vs /eddy/jobs/ab)', () =>
    withStore(fresh, async (s) => {
      for (const key of ['/eddy/jobs/a', '/eddy/jobs/a/checkpoints/1', '/eddy/jobs/ab', '/eddy/jobsx', '/eddy/other']) {
        await s.put(key, 'v');
      }
      const keysOf = async (prefix: string): Promise<string[]> => (await s.list(prefix)).map((e) => e.key);
      assert.deepEqual(await keysOf(keys.jobPrefix('a')), ['/eddy/jobs/a/checkpoints/1']);
      assert.deepEqual(await keysOf('/eddy/jobs/a'), ['/eddy/jobs/a', '/eddy/jobs/a/checkpoints/1', '/eddy/jobs/ab']);
      assert.deepEqual(await keysOf('/eddy/jobs/ab'), ['/eddy/jobs/ab']);
      assert.deepEqual(await keysOf(keys.jobsPrefix()), ['/eddy/jobs/a', '/eddy/jobs/a/checkpoints/1', '/eddy/jobs/ab']);
      assert.deepEqual(await keysOf('/eddy/none/'), []);
      assert.equal((await s.list('')).length, 5);
    }));

  test('deletePrefix deletes exactly the keys under the prefix and counts them', () =>
    withStore(fresh, async (s) => {
      for (const key of ['/eddy/jobs/a', '/eddy/jobs/a/checkpoints/1', '/eddy/jobs/a/checkpoints/2', '/eddy/jobs/ab']) {
        await s.put(key, 'v');
      }
      assert.equal(await s.deletePrefix(keys.jobPrefix('a')), 2);
      assert.deepEqual(
        (await s.list('/eddy/')).map((e) => e.key),
        ['/eddy/jobs/a', '/eddy/jobs/ab'],
      );
      assert.equal(await s.deletePrefix(keys.jobPrefix('a')), 0);
      assert.equal(await s.deletePrefix('/eddy/jobs/a'), 2);
      assert.deepEqual(await s.list('/eddy/'), []);
    }));

  test('concurrent puts all land', () =>
    withStore(fresh, async (s) => {
      const n = 200;
      const key = (i: number): string => keys.checkpoint('c', i);
      await Promise.all(Array.from({ length: n }, (_, i) => s.put(key(i), String(i))));
      const listed = await s.list(keys.checkpointsPrefix('c'));
      assert.equal(listed.length, n);
      for (let i = 0; i < n; i++) assert.equal(await s.get(key(i)), String(i));
      // Concurrent deletes and puts on disjoint keys do not lose each other either.
      await Promise.all(Array.from({ length: n }, (_, i) => (i % 2 === 0 ? s.delete(key(i)) : s.put(key(i), 'odd'))));
      const after = await s.list(keys.checkpointsPrefix('c'));
      assert.equal(after.length, n / 2);
      assert.ok(after.every((e) => e.value === 'odd'));
    }));

  test('close is idempotent and later calls reject', async () => {
    const s = await fresh();
    await s.close();
    await s.close();
    await assert.rejects(s.get(keys.job('a')), /closed/);
    await assert.rejects(s.put(keys.job('a'), 'v'), /closed/);
  });

  test('behaves like an in-memory map under random operation sequences', async () => {
    const keyArb = fc.constantFrom('/eddy/jobs/a', '/eddy/jobs/ab', '/eddy/jobs/a/x', '/eddy/jobs/b', '/eddy/jobs/\uE000', '/eddy/jobs/\u{1F600}');
    const prefixArb = fc.constantFrom('', '/eddy/', '/eddy/jobs/a', '/eddy/jobs/a/', '/eddy/jobs/b', '/eddy/zzz');
    const opArb = fc.oneof(
      fc.record({ op: fc.constant('put' as const), key: keyArb, value: fc.string({ maxLength: 8 }) }),
      fc.record({ op: fc.constant('get' as const), key: keyArb }),
      fc.record({ op: fc.constant('delete' as const), key: keyArb }),
      fc.record({ op: fc.constant('list' as const), prefix: prefixArb }),
      fc.record({ op: fc.constant('deletePrefix' as const), prefix: prefixArb }),
    );
    await withStore(fresh, async (s) => {
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { maxLength: 20 }), async (ops) => {
          await s.deletePrefix('');
          const model = new Map<string, string>();
          for (const o of ops) {
            switch (o.op) {
              case 'put':
                await s.put(o.key, o.value);
                model.set(o.key, o.value);
                break;
              case 'get':
                assert.equal(await s.get(o.key), model.get(o.key));
                break;
              case 'delete':
                assert.equal(await s.delete(o.key), model.delete(o.key));
                break;
              case 'list': {
                const expected = [...model]
                  .filter(([k]) => k.startsWith(o.prefix))
                  .sort(([a], [b]) => byteOrder(a, b))
                  .map(([key, value]) => ({ key, value }));
                assert.deepEqual(await s.list(o.prefix), expected);
                break;
              }
              case 'deletePrefix': {
                const doomed = [...model.keys()].filter((k) => k.startsWith(o.prefix));
                for (const k of doomed) model.delete(k);
                assert.equal(await s.deletePrefix(o.prefix), doomed.length);
                break;
              }
            }
          }
        }),
        { numRuns: 25, seed: 20240601 },
      );
    });
  });
}

describe('FileMetadataStore', () => {
  let root: string;
  let counter = 0;
  const newDir = (): string => join(root, `store-${counter++}`);

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'eddy-file-store-test-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  describe('contract', () => contract(() => FileMetadataStore.open(newDir())));

  test('reopening the directory sees prior puts, deletes and prefix deletes', async () => {
    const dir = newDir();
    const first = await FileMetadataStore.open(dir);
    await first.put('/eddy/jobs/a', 'A');
    await first.put('/eddy/jobs/b', 'B');
    await first.put('/eddy/jobs/c/checkpoints/1', 'C1');
    await first.delete('/eddy/jobs/b');
    await first.deletePrefix('/eddy/jobs/c/');
    await first.put('/eddy/jobs/d', 'D');
    await first.close();

    const second = await FileMetadataStore.open(dir);
    try {
      assert.deepEqual(await second.list(''), [
        { key: '/eddy/jobs/a', value: 'A' },
        { key: '/eddy/jobs/d', value: 'D' },
      ]);
    } finally {
      await second.close();
    }
  });

  test('concurrent puts are all persisted and leave no temporary files', async () => {
    const dir = newDir();
    const first = await FileMetadataStore.open(dir);
    await Promise.all(Array.from({ length: 100 }, (_, i) => first.put(`/eddy/k/${i}`, String(i))));
    await first.close();
    assert.deepEqual(await readdir(dir), [FileMetadataStore.FILE_NAME]);
    const onDisk = JSON.parse(await readFile(join(dir, FileMetadataStore.FILE_NAME), 'utf8')) as { entries: object };
    assert.equal(Object.keys(onDisk.entries).length, 100);

    const second = await FileMetadataStore.open(dir);
    try {
      assert.equal((await second.list('/eddy/k/')).length, 100);
    } finally {
      await second.close();
    }
  });

  test('a missing directory or file opens as an empty store', async () => {
    const dir = join(newDir(), 'nested', 'metadata');
    const store = await FileMetadataStore.open(dir);
    try {
      assert.deepEqual(await store.list(''), []);
      await store.put('/eddy/x', '1');
      assert.ok(existsSync(join(dir, FileMetadataStore.FILE_NAME)));
    } finally {
      await store.close();
    }
  });

  test('a corrupt file fails open with an error naming the file', async () => {
    for (const content of ['{"version":1,"entries":{', '[1,2]', '{"version":2,"entries":{}}', '{"version":1,"entries":{"/eddy/a":5}}']) {
      const dir = newDir();
      await mkdir(dir, { recursive: true });
      const file = join(dir, FileMetadataStore.FILE_NAME);
      await writeFile(file, content);
      await assert.rejects(FileMetadataStore.open(dir), (err) => {
        assert.ok(err instanceof EddyError, String(err));
        assert.match(err.message, /corrupt metadata file/);
        assert.ok(err.message.includes(file), err.message);
        return true;
      });
    }
  });

  test('leftover temporary files from an interrupted write are removed on open', async () => {
    const dir = newDir();
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `${FileMetadataStore.FILE_NAME}.tmp-1-0`), '{"half');
    const store = await FileMetadataStore.open(dir);
    await store.close();
    assert.deepEqual(await readdir(dir), []);
  });

  test('a failed write rejects, leaves the store unchanged, and later writes still work', async () => {
    const dir = newDir();
    const store = await FileMetadataStore.open(dir);
    try {
      await store.put('/eddy/a', 'old');
      await rm(dir, { recursive: true });
      await assert.rejects(store.put('/eddy/a', 'new'), { code: 'ENOENT' });
      assert.equal(await store.get('/eddy/a'), 'old');
      await mkdir(dir);
      await store.put('/eddy/b', 'b');
      assert.deepEqual(await store.list('/eddy/'), [
        { key: '/eddy/a', value: 'old' },
        { key: '/eddy/b', value: 'b' },
      ]);
    } finally {
      await store.close();
    }
  });
});

describe('EtcdMetadataStore', () => {
  let etcd: EtcdServer | undefined;
  const endpoint = (): string => {
    assert.ok(etcd, 'etcd did not start');
    return etcd.endpoint;
  };
  const fresh: FreshStore = async () => {
    const store = await EtcdMetadataStore.connect(endpoint(), { timeoutMs: 5_000 });
    await store.deletePrefix('');
    return store;
  };

  before(async () => {
    etcd = await startEtcd();
  });
  after(async () => {
    await etcd?.stop();
  });

  describe('contract', () => contract(fresh));

  test('list pages through more keys than one etcd response holds', () =>
    withStore(fresh, async (s) => {
      const n = 1_234;
      const key = (i: number): string => `/eddy/many/${String(i).padStart(5, '0')}`;
      await Promise.all(Array.from({ length: n }, (_, i) => s.put(key(i), String(i))));
      const listed = await s.list('/eddy/many/');
      assert.equal(listed.length, n);
      listed.forEach((e, i) => assert.deepEqual(e, { key: key(i), value: String(i) }));
      assert.equal(await s.deletePrefix('/eddy/many/'), n);
    }));

  test('keys and values are stored verbatim, as etcdctl sees them', { skip: !existsSync('/usr/bin/etcdctl') && 'etcdctl not installed' }, () =>
    withStore(fresh, async (s) => {
      await s.put(keys.job('wordcount'), '{"state":"RUNNING"}');
      const { stdout } = await run('/usr/bin/etcdctl', ['--endpoints', endpoint(), 'get', '--prefix', keys.jobsPrefix()], {
        env: { ...process.env, ETCDCTL_API: '3' },
      });
      assert.equal(stdout, `${keys.job('wordcount')}\n{"state":"RUNNING"}\n`);
    }));

  test('writes are visible to another client', () =>
    withStore(fresh, async (s) => {
      const other = await EtcdMetadataStore.connect(endpoint().replace(/^http:\/\//, ''));
      try {
        await s.put('/eddy/shared', 'yes');
        assert.equal(await other.get('/eddy/shared'), 'yes');
      } finally {
        await other.close();
      }
    }));

  test('connect to an unreachable etcd rejects UNAVAILABLE, naming the endpoint, within the deadline', async () => {
    // Free right now, so nothing listens there: connections are refused.
    const port = await findFreePort();
    await assertRejectsWithin(
      EtcdMetadataStore.connect(`127.0.0.1:${port}`, { timeoutMs: 2_000 }),
      5_000,
      (err) =>
        err instanceof EddyError &&
        err.code === GrpcStatus.UNAVAILABLE &&
        err.message.includes(`etcd unreachable at http://127.0.0.1:${port}`),
    );
  });

  test('calls on a store whose etcd is unreachable reject with the endpoint, without unhandled rejections', async () => {
    // Free right now, so nothing listens there: connections are refused.
    const port = await findFreePort();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const store = new EtcdMetadataStore(`http://127.0.0.1:${port}`, { callTimeoutMs: 1_000 });
    try {
      const names = (err: unknown): boolean => err instanceof EddyError && err.message.includes(`http://127.0.0.1:${port}`);
      await assertRejectsWithin(store.get('/eddy/x'), 5_000, names);
      await assertRejectsWithin(store.put('/eddy/x', 'v'), 5_000, names);
      await assertRejectsWithin(store.list('/eddy/'), 5_000, names);
      await assertRejectsWithin(store.deletePrefix('/eddy/'), 5_000, names);
    } finally {
      await store.close();
      // Let any stray rejection from the client's internals surface before checking.
      await new Promise((resolve) => setImmediate(resolve));
      process.off('unhandledRejection', onUnhandled);
    }
    assert.deepEqual(unhandled, []);
  });
});

describe('normalizeEtcdEndpoints', () => {
  test('adds http:// and the default port, trims and splits on commas', () => {
    assert.deepEqual(normalizeEtcdEndpoints(' 127.0.0.1:2379 , etcd-0:12379,,'), ['http://127.0.0.1:2379', 'http://etcd-0:12379']);
    assert.deepEqual(normalizeEtcdEndpoints(['http://a:1', 'https://b:443', 'c', '[::1]:5']), [
      'http://a:1',
      'https://b:443',
      'http://c:2379',
      'http://[::1]:5',
    ]);
  });

  test('rejects empty lists and non-http endpoints', () => {
    assert.throws(() => normalizeEtcdEndpoints(' , '), /no etcd endpoints/);
    assert.throws(() => normalizeEtcdEndpoints('unix:///var/run/etcd'), /invalid etcd endpoint/);
    assert.throws(() => normalizeEtcdEndpoints('http://a:1/v3'), /invalid etcd endpoint/);
  });
});

describe('openMetadataStore', () => {
  let root: string;
  let etcd: EtcdServer | undefined;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'eddy-open-store-test-'));
    etcd = await startEtcd();
  });
  after(async () => {
    await etcd?.stop();
    await rm(root, { recursive: true, force: true });
  });

  test('without etcd endpoints it opens the file store in <dataDir>/metadata', async () => {
    for (const [i, etcdSetting] of [undefined, '', ' , '].entries()) {
      const dataDir = join(root, `data-${i}`);
      const store = await openMetadataStore({ etcd: etcdSetting, dataDir });
      try {
        assert.ok(store instanceof FileMetadataStore);
        await store.put('/eddy/x', '1');
        assert.ok(existsSync(join(dataDir, 'metadata', FileMetadataStore.FILE_NAME)));
      } finally {
        await store.close();
      }
    }
  });

  test('with endpoints it connects to etcd', async () => {
    assert.ok(etcd);
    const store = await openMetadataStore({ etcd: etcd.endpoint.replace(/^http:\/\//, ''), dataDir: root });
    try {
      assert.ok(store instanceof EtcdMetadataStore);
      await store.put('/eddy/opened', 'yes');
      assert.equal(await store.get('/eddy/opened'), 'yes');
    } finally {
      await store.close();
    }
  });

  test('with an unreachable etcd it rejects within the connect timeout', async () => {
    // Free right now, so nothing listens there: connections are refused.
    const port = await findFreePort();
    await assertRejectsWithin(
      openMetadataStore({ etcd: `127.0.0.1:${port}`, dataDir: root, connectTimeoutMs: 1_000 }),
      4_000,
      (err) => err instanceof EddyError && err.message.includes(`127.0.0.1:${port}`),
    );
  });
});

describe('startEtcd harness', () => {
  test('stop() ends the process and removes the data directory; it is idempotent', async () => {
    const server = await startEtcd();
    assert.match(server.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(existsSync(server.dataDir));
    await Promise.all([server.stop(), server.stop()]);
    await server.stop();
    assert.equal(existsSync(server.dataDir), false);
    assert.throws(() => process.kill(server.pid, 0), { code: 'ESRCH' });
  });

  test('a missing binary fails fast with a clear error', async () => {
    await assertRejectsWithin(
      startEtcd({ binary: '/nonexistent/etcd', startTimeoutMs: 5_000 }),
      5_000,
      (err) => err instanceof EtcdStartError && /cannot start etcd binary '\/nonexistent\/etcd'/.test(err.message),
    );
  });

  test('an etcd that exits during startup reports its stderr', async () => {
    await assertRejectsWithin(
      startEtcd({ extraArgs: ['--no-such-flag'] }),
      10_000,
      (err) => err instanceof EtcdStartError && /exited during startup/.test(err.message) && /no-such-flag/.test(err.logs),
    );
  });

  test('findFreePort returns a port that can be bound on loopback', async () => {
    const port = await findFreePort();
    assert.ok(Number.isInteger(port) && port > 0 && port < 65536);
  });
});
