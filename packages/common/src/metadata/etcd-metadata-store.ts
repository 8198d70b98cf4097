/**
 * The production metadata store: etcd v3, reached over gRPC through the `etcd3` client.
 * Every failure is re-thrown as an {@link EddyError} whose message names the endpoints, so an
 * operator reading a coordinator log knows which etcd it could not reach.
 */
import { Etcd3, GRPCDeadlineExceededError, Range, isRecoverableError } from 'etcd3';
import { EddyError, GrpcStatus, invalidArgument } from '../errors.js';
import { KEY_ROOT, type MetadataStore } from './metadata-store.js';

/** Options of {@link EtcdMetadataStore}. */
export interface EtcdMetadataStoreOptions {
  /**
   * Deadline of one attempt of an etcd call, in ms. The client retries unavailable hosts up to
   * three times, so a call against a dead etcd fails after at most about three deadlines.
   * Default 5 000 ms.
   */
  callTimeoutMs?: number;
}

/** Options of {@link EtcdMetadataStore.connect}. */
export interface EtcdConnectOptions extends EtcdMetadataStoreOptions {
  /** How long to wait for etcd to answer the first read. Default 5 000 ms. */
  timeoutMs?: number;
}

const DEFAULT_CALL_TIMEOUT_MS = 5_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const ETCD_DEFAULT_CLIENT_PORT = '2379';
// Bounded pages keep each range response far below gRPC's 4 MiB default message limit.
const LIST_PAGE_SIZE = 500;

/**
 * Normalizes etcd endpoints to `http(s)://host:port`: accepts a comma-separated string or an
 * array, trims entries, drops empty ones, adds `http://` when no scheme is given and etcd's
 * client port 2379 when no port is given.
 *
 * @throws {EddyError} INVALID_ARGUMENT when no endpoint remains or one is not an http(s) URL.
 */
export function normalizeEtcdEndpoints(endpoints: string | readonly string[]): string[] {
  const raw = typeof endpoints === 'string' ? endpoints.split(',') : endpoints;
  const result: string[] = [];
  for (const entry of raw.map((e) => e.trim()).filter((e) => e.length > 0)) {
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) ? entry : `http://${entry}`;
    let url: URL;
    try {
      url = new URL(withScheme);
    } catch (err) {
      throw invalidArgument(`invalid etcd endpoint '${entry}'`, err);
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || (url.pathname !== '/' && url.pathname !== '')) {
      throw invalidArgument(`invalid etcd endpoint '${entry}': expected http(s)://host:port`);
    }
    // URL drops a scheme's default port (http://h:80 → port ''), so read an explicit one from the text.
    const port = url.port || /:(\d+)\/?$/.exec(withScheme)?.[1] || ETCD_DEFAULT_CLIENT_PORT;
    result.push(`${url.protocol}//${url.hostname}:${port}`);
  }
  if (result.length === 0) throw invalidArgument('no etcd endpoints given');
  return result;
}

/**
 * {@link MetadataStore} backed by etcd. Values are stored as UTF-8 bytes under the given keys
 * unchanged, so `etcdctl get --prefix /eddy/` shows exactly what Eddy wrote.
 *
 * Errors: connection problems and timeouts reject with {@link EddyError} UNAVAILABLE, other etcd
 * failures with INTERNAL, calls after {@link close} with FAILED_PRECONDITION; every message lists
 * the endpoints. Nothing is thrown asynchronously outside the returned promises.
 */
export class EtcdMetadataStore implements MetadataStore {
  /** Normalized endpoints this store talks to. */
  readonly endpoints: readonly string[];
  private readonly client: Etcd3;
  private closed = false;

  /**
   * Creates a store without contacting etcd; the first call connects lazily. Prefer
   * {@link EtcdMetadataStore.connect}, which fails fast when etcd is unreachable.
   *
   * @param endpoints `http://host:port` or `host:port` entries, or one comma-separated string.
   * @throws {EddyError} INVALID_ARGUMENT for malformed or missing endpoints.
   */
  constructor(endpoints: string | readonly string[], options: EtcdMetadataStoreOptions = {}) {
    this.endpoints = normalizeEtcdEndpoints(endpoints);
    const callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    this.client = new Etcd3({
      hosts: [...this.endpoints],
      dialTimeout: callTimeoutMs,
      defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + callTimeoutMs }),
    });
  }

  /**
   * Creates a store and verifies that etcd answers a read within `timeoutMs`.
   *
   * @throws {EddyError} INVALID_ARGUMENT for malformed endpoints; UNAVAILABLE, naming the
   * endpoints, when etcd does not answer in time. The client is closed before rejecting.
   */
  static async connect(endpoints: string | readonly string[], options: EtcdConnectOptions = {}): Promise<EtcdMetadataStore> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const store = new EtcdMetadataStore(endpoints, { callTimeoutMs: options.callTimeoutMs ?? timeoutMs });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      // The client retries internally, so its own deadline alone could stretch to several timeouts.
      await Promise.race([store.client.get(KEY_ROOT).string(), timeout]);
      return store;
    } catch (err) {
      await store.close();
      throw new EddyError(
        GrpcStatus.UNAVAILABLE,
        `etcd unreachable at ${store.endpoints.join(',')} within ${timeoutMs} ms: ${reasonOf(err)}`,
        { cause: err },
      );
    } finally {
      clearTimeout(timer);
    }
  }

  get(key: string): Promise<string | undefined> {
    return this.call(`get ${key}`, async (c) => (await c.get(key).string()) ?? undefined);
  }

  put(key: string, value: string): Promise<void> {
    return this.call(`put ${key}`, async (c) => {
      await c.put(key).value(value).exec();
    });
  }

  delete(key: string): Promise<boolean> {
    return this.call(`delete ${key}`, async (c) => Number((await c.delete().key(key).exec()).deleted) > 0);
  }

  list(prefix: string): Promise<Array<{ key: string; value: string }>> {
    return this.call(`list ${prefix}`, async (c) => {
      const range = Range.prefix(prefix);
      const { end } = range;
      const out: Array<{ key: string; value: string }> = [];
      let { start } = range;
      let revision: string | undefined;
      for (;;) {
        const query = c.getAll().inRange({ start, end }).sort('Key', 'Ascend').limit(LIST_PAGE_SIZE);
        // Later pages read at the first page's revision, so the result is one consistent snapshot.
        if (revision !== undefined) query.revision(revision);
        const res = await query.exec();
        revision ??= res.header.revision;
        for (const kv of res.kvs) out.push({ key: kv.key.toString('utf8'), value: kv.value.toString('utf8') });
        const last = res.kvs.at(-1);
        if (!res.more || last === undefined) return out;
        start = Buffer.concat([last.key, Buffer.from([0])]);
      }
    });
  }

  deletePrefix(prefix: string): Promise<number> {
    return this.call(`deletePrefix ${prefix}`, async (c) => Number((await c.delete().prefix(prefix).exec()).deleted));
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.client.close();
    }
    return Promise.resolve();
  }

  private async call<T>(op: string, fn: (client: Etcd3) => Promise<T>): Promise<T> {
    if (this.closed) {
      throw new EddyError(GrpcStatus.FAILED_PRECONDITION, `etcd metadata store (${this.endpoints.join(',')}) is closed`);
    }
    try {
      return await fn(this.client);
    } catch (err) {
      throw new EddyError(
        isUnavailable(err) ? GrpcStatus.UNAVAILABLE : GrpcStatus.INTERNAL,
        `etcd ${op} failed (endpoints ${this.endpoints.join(',')}): ${reasonOf(err)}`,
        { cause: err },
      );
    }
  }
}

function isUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  // BrokenCircuitError comes from the client's circuit breaker after repeated host failures.
  return isRecoverableError(err) || err instanceof GRPCDeadlineExceededError || err.name === 'BrokenCircuitError';
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
