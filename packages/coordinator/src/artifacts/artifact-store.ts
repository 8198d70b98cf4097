/**
 * Job artifacts on the coordinator's disk, addressed by their sha256 only: no client-supplied
 * name ever becomes a path.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RUNTIME_DEFAULTS, invalidArgument, notFound } from '@eddy/common';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Whether `s` is a lowercase hex sha256. */
export function isSha256(s: string): boolean {
  return SHA256_HEX.test(s);
}

/** Stores artifacts under `<dataDir>/artifacts/<sha256>.mjs`. */
export class ArtifactStore {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'artifacts');
    fs.mkdirSync(this.dir, { recursive: true });
  }

  /** File of an artifact. @throws EddyError(INVALID_ARGUMENT) for a malformed digest. */
  pathOf(sha256: string): string {
    if (!isSha256(sha256)) throw invalidArgument(`'${sha256}' is not a sha256 digest (64 lowercase hex characters)`);
    return path.join(this.dir, `${sha256}.mjs`);
  }

  has(sha256: string): boolean {
    return isSha256(sha256) && fs.existsSync(this.pathOf(sha256));
  }

  /** Path of a stored artifact. @throws EddyError(NOT_FOUND) when it was never uploaded. */
  require(sha256: string): string {
    const p = this.pathOf(sha256);
    if (!fs.existsSync(p)) throw notFound(`artifact ${sha256} is not stored on the coordinator; upload it first`);
    return p;
  }

  /** Starts an upload; chunks are appended to a temp file and verified at {@link ArtifactUpload.finish}. */
  beginUpload(expectedSha256: string, totalSize: number, maxBytes: number = RUNTIME_DEFAULTS.maxArtifactBytes): ArtifactUpload {
    if (!isSha256(expectedSha256))
      throw invalidArgument('the first artifact chunk must carry the sha256 (64 lowercase hex characters) of the artifact');
    if (!Number.isInteger(totalSize) || totalSize <= 0) throw invalidArgument('the first artifact chunk must carry the total size');
    if (totalSize > maxBytes) throw invalidArgument(`artifact of ${totalSize} bytes exceeds the limit of ${maxBytes} bytes`);
    return new ArtifactUpload(this, expectedSha256, totalSize);
  }
}

/** One upload in progress. */
export class ArtifactUpload {
  private readonly hash = createHash('sha256');
  private readonly chunks: Buffer[] = [];
  private received = 0;

  constructor(
    private readonly store: ArtifactStore,
    readonly expectedSha256: string,
    readonly totalSize: number,
  ) {}

  /** @throws EddyError(INVALID_ARGUMENT) when more bytes arrive than announced. */
  append(data: Buffer): void {
    this.received += data.length;
    if (this.received > this.totalSize)
      throw invalidArgument(`artifact upload sent more than the announced ${this.totalSize} bytes`);
    this.hash.update(data);
    this.chunks.push(data);
  }

  /**
   * Verifies size and digest and stores the artifact atomically.
   * @throws EddyError(INVALID_ARGUMENT) on a size or checksum mismatch (nothing is stored).
   */
  finish(): { sha256: string; size: number } {
    if (this.received !== this.totalSize)
      throw invalidArgument(`artifact upload ended after ${this.received} of ${this.totalSize} bytes`);
    const actual = this.hash.digest('hex');
    if (actual !== this.expectedSha256)
      throw invalidArgument(`artifact checksum mismatch: announced ${this.expectedSha256}, received ${actual}`);
    const target = this.store.pathOf(actual);
    if (!fs.existsSync(target)) {
      const tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
      fs.writeFileSync(tmp, Buffer.concat(this.chunks));
      fs.renameSync(tmp, target);
    }
    return { sha256: actual, size: this.totalSize };
  }
}
