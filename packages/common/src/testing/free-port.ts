import { createServer } from 'node:net';

/**
 * Finds a TCP port that is free on `host` right now, by letting the kernel pick one for a
 * throwaway listener and closing it again.
 *
 * The port is only free at the moment of the call: another process may take it before the
 * caller binds it, so callers that start servers should retry on "address already in use".
 *
 * @param host Interface to probe. Default `127.0.0.1` (tests only ever listen on loopback).
 * @returns A port number in the ephemeral range.
 * @throws When no listener can be bound on `host` (e.g. the interface does not exist).
 */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error(`cannot determine the port of a listener on ${host}`));
        return;
      }
      const { port } = address;
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}
