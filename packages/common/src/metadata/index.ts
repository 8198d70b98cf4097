/** The metadata store interface, its two implementations, and the factory that picks one from configuration. */
import { join } from 'node:path';
import { EtcdMetadataStore, normalizeEtcdEndpoints } from './etcd-metadata-store.js';
import { FileMetadataStore } from './file-metadata-store.js';
import type { MetadataStore } from './metadata-store.js';

export * from './metadata-store.js';
export {
  EtcdMetadataStore,
  normalizeEtcdEndpoints,
  type EtcdConnectOptions,
  type EtcdMetadataStoreOptions,
} from './etcd-metadata-store.js';
export { FileMetadataStore } from './file-metadata-store.js';

/** Configuration of {@link openMetadataStore}; mirrors the `--etcd` and `--data-dir` settings. */
export interface OpenMetadataStoreOptions {
  /** Comma-separated etcd endpoints (`host:port` or `http(s)://host:port`). Empty or undefined selects the file store. */
  etcd?: string;
  /** Data directory; the file store lives in `<dataDir>/metadata`. Unused with etcd. */
  dataDir: string;
  /** How long to wait for etcd to answer before rejecting. Default 5 000 ms. */
  connectTimeoutMs?: number;
}

/**
 * Opens the metadata store the configuration asks for: etcd when `etcd` names at least one
 * endpoint (connectivity is verified before resolving), otherwise the embedded file store in
 * `<dataDir>/metadata`.
 *
 * @throws {EddyError} INVALID_ARGUMENT for malformed endpoints; UNAVAILABLE when etcd does not
 * answer within `connectTimeoutMs`; FAILED_PRECONDITION when the file store's data file is corrupt.
 */
export async function openMetadataStore(options: OpenMetadataStoreOptions): Promise<MetadataStore> {
  const hasEndpoints = (options.etcd ?? '').split(',').some((e) => e.trim().length > 0);
  if (!hasEndpoints) return FileMetadataStore.open(join(options.dataDir, 'metadata'));
  const endpoints = normalizeEtcdEndpoints(options.etcd ?? '');
  return EtcdMetadataStore.connect(endpoints, { timeoutMs: options.connectTimeoutMs });
}
