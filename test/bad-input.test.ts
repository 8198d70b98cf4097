/**
 * Bad input never crashes a process and always gets a status a person can act on: every kind of
 * bad job file is refused with INVALID_ARGUMENT and its cause (nothing is deployed), unknown job
 * ids get NOT_FOUND, malformed requests INVALID_ARGUMENT, and a coordinator without workers
 * UNAVAILABLE.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { RpcError, type JobClient } from '@eddy/client';
import { grpc, proto, CHANNEL_OPTIONS } from '@eddy/common';
import { runEddy, startCluster, type Cluster } from './harness/cluster.js';

const EVALUATION_TIMEOUT_MS = 3000;

/** Each bad job of test/jobs/invalid and what its error must say. */
const BAD_JOBS: readonly { file: string; cause: RegExp }[] = [
  { file: 'throws.ts', cause: /configuration file missing/ },
  { file: 'no-default.ts', cause: /default export/ },
  { file: 'empty.ts', cause: /empty|no (operators|sources)/i },
  { file: 'cycle.ts', cause: /cycle/i },
  { file: 'too-parallel.ts', cause: /parallelism 16 .*max(imum)? parallelism 8|max(imum)? parallelism 8/i },
  { file: 'duplicate-uid.ts', cause: /duplicate uid 'numbers'|uid 'numbers'.*(twice|more than once|duplicate)/i },
  { file: 'runs-forever.ts', cause: new RegExp(`within ${EVALUATION_TIMEOUT_MS} ms`) },
];

async function expectRpcError(p: Promise<unknown>, code: grpc.status, message: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof RpcError, `expected an RpcError, got ${String(err)}`);
    assert.equal(err.codeName, grpc.status[code], `status of '${err.message}'`);
    assert.match(err.message, message);
    return true;
  });
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('bad input', () => {
  let cluster: Cluster;
  let client: JobClient;

  before(async () => {
    cluster = await startCluster({
      workers: 1,
      slots: 2,
      env: { EDDY_JOB_EVALUATION_TIMEOUT_MS: String(EVALUATION_TIMEOUT_MS) },
    });
    client = cluster.client;
  });
  after(async () => {
    await cluster?.stop();
  });

  for (const bad of BAD_JOBS) {
    test(`bad job ${bad.file}: INVALID_ARGUMENT with the cause`, async () => {
      await expectRpcError(client.submitJobFile(`test/jobs/invalid/${bad.file}`), grpc.status.INVALID_ARGUMENT, bad.cause);
    });
  }

  test('a syntax error is reported by eddy submit (bundling) and by the coordinator (raw artifact)', async () => {
    const r = await runEddy(['submit', 'test/jobs/invalid/syntax-error.ts', '--coordinator', cluster.coordinatorAddress]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /syntax-error\.ts:3:\d+/, r.stderr);
    assert.match(r.stderr, /Unexpected "\)"/, r.stderr);

    const code = Buffer.from('export default (env) => { env.fromSequence(0, 10).map((n) => n * ).print(); };\n');
    const ref = await client.uploadArtifact(code, sha256(code));
    await expectRpcError(client.submit({ artifactSha256: ref.sha256 }), grpc.status.INVALID_ARGUMENT, /SyntaxError|Unexpected token/);
  });

  test('the CLI prints the cause and exits non-zero', async () => {
    const r = await runEddy(['submit', 'test/jobs/invalid/throws.ts', '--coordinator', cluster.coordinatorAddress]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /configuration file missing/);
    assert.equal(r.stdout, '', 'no job id is printed');
  });

  test('nothing of a refused job was created or deployed', async () => {
    assert.deepEqual(await client.listJobs(), []);
    const workers = await client.listWorkers();
    assert.deepEqual(
      workers.map((w) => [w.slots, w.freeSlots]),
      [[2, 2]],
    );
  });

  test('unknown job ids get NOT_FOUND, in the client and the CLI', async () => {
    await expectRpcError(client.getJobStatus('no-such-job'), grpc.status.NOT_FOUND, /no job with id 'no-such-job'/);
    await expectRpcError(client.cancelJob('no-such-job'), grpc.status.NOT_FOUND, /no job with id 'no-such-job'/);
    await expectRpcError(client.fetchCollected('no-such-job', 'out'), grpc.status.NOT_FOUND, /no job with id 'no-such-job'/);
    for (const command of ['status', 'cancel']) {
      const r = await runEddy([command, 'no-such-job', '--coordinator', cluster.coordinatorAddress]);
      assert.equal(r.code, 1, `${command}: ${r.stderr}`);
      assert.match(r.stderr, /no job with id 'no-such-job'/);
    }
  });

  test('malformed job requests get INVALID_ARGUMENT or NOT_FOUND with what to fix', async () => {
    await expectRpcError(client.getJobStatus(''), grpc.status.INVALID_ARGUMENT, /job id is required/);
    await expectRpcError(client.submit({ artifactSha256: '' }), grpc.status.INVALID_ARGUMENT, /upload the artifact first/);
    await expectRpcError(client.submit({ artifactSha256: '../../etc/passwd' }), grpc.status.INVALID_ARGUMENT, /not a sha256 digest/);
    await expectRpcError(client.submit({ artifactSha256: 'a'.repeat(64) }), grpc.status.NOT_FOUND, /upload it first/);
    const code = Buffer.from('export default () => {};\n');
    await expectRpcError(client.uploadArtifact(code, 'b'.repeat(64)), grpc.status.INVALID_ARGUMENT, /checksum mismatch/);
    const ref = await client.uploadArtifact(code, sha256(code));
    await expectRpcError(client.submit({ artifactSha256: ref.sha256, parallelism: -3 }), grpc.status.INVALID_ARGUMENT, /parallelism/);
  });

  test('malformed worker requests get INVALID_ARGUMENT and the coordinator keeps serving', async () => {
    const rm = new proto.ResourceManager(cluster.coordinatorAddress, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
    try {
      const registration = await new Promise<grpc.ServiceError>((resolve, reject) => {
        const call = rm.registerWorker({ workerId: 'w', address: 'not an address', slots: 1, pid: 1 });
        call.on('data', () => reject(new Error('registered a worker with a bad address')));
        call.on('error', resolve);
      });
      assert.equal(registration.code, grpc.status.INVALID_ARGUMENT);
      assert.match(registration.details, /address must be host:port/);

      const update = await new Promise<grpc.ServiceError | null>((resolve) =>
        rm.updateTaskExecutionState({ state: 'EXPLODED', vertexId: 'v', subtask: 0 }, (err: grpc.ServiceError | null) =>
          resolve(err),
        ),
      );
      assert.equal(update?.code, grpc.status.INVALID_ARGUMENT);
      assert.match(update.details, /unknown task state 'EXPLODED'/);
    } finally {
      rm.close();
    }
    assert.equal(cluster.coordinator.exitCode, null, 'the coordinator is still running');
    assert.equal(cluster.workers[0]!.exitCode, null, 'the worker is still running');
    assert.equal((await client.listWorkers()).length, 1);
  });
});

test('a coordinator without workers answers SubmitJob with UNAVAILABLE', async () => {
  const cluster = await startCluster({ workers: 0 });
  try {
    const code = Buffer.from('export default (env) => { env.fromSequence(0, 10).print(); };\n');
    const ref = await cluster.client.uploadArtifact(code, sha256(code));
    await expectRpcError(cluster.client.submit({ artifactSha256: ref.sha256 }), grpc.status.UNAVAILABLE, /no worker is registered/);
    assert.deepEqual(await cluster.client.listJobs(), []);
  } finally {
    await cluster.stop();
  }
});
