/**
 * Job artifacts on a worker: fetched from the coordinator once per hash, verified, and cached
 * under `<dataDir>/artifacts/<sha256>.mjs`.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ArtifactChunk__Output, ResourceManagerClient } from '@eddy/common';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Downloads and caches artifacts. */
export class ArtifactCache {
  private readonly dir: string;
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(
    dataDir: string,
    private readonly client: () => ResourceManagerClient,
  ) {
    this.dir = path.join(dataDir, 'artifacts');
    fs.mkdirSync(this.dir, { recursive: true });
  }

  /**
   * Local file of an artifact, downloading it when missing.
   * @throws Error when the digest is malformed, the download fails or the checksum mismatches.
   */
  fetch(sha256: string): Promise<string> {
    if (!SHA256_HEX.test(sha256)) return Promise.reject(new Error(`malformed artifact digest '${sha256}'`));
    const file = path.join(this.dir, `${sha256}.mjs`);
    if (fs.existsSync(file)) return Promise.resolve(file);
    let p = this.inflight.get(sha256);
    if (!p) {
      p = this.download(sha256, file).finally(() => this.inflight.delete(sha256));
      this.inflight.set(sha256, p);
    }
    return p;
  }

  private download(sha256: string, file: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const hash = createHash('sha256');
      const chunks: Buffer[] = [];
      const call = this.client().downloadArtifact({ sha256 }, { deadline: Date.now() + 60_000 });
      call.on('data', (c: ArtifactChunk__Output) => {
        hash.update(c.data);
        chunks.push(c.data);
      });
      call.on('error', (err) => reject(new Error(`downloading artifact ${sha256}: ${err.message}`)));
      call.on('end', () => {
        const actual = hash.digest('hex');
        if (actual !== sha256) {
          reject(new Error(`artifact checksum mismatch: expected ${sha256}, got ${actual}`));
          return;
        }
        const tmp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, Buffer.concat(chunks));
        fs.renameSync(tmp, file);
        resolve(file);
      });
    });
  }
}
