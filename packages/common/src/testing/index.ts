/**
 * Test support shared by every package's tests (to be exposed as `@eddy/common/testing`). Nothing
 * here is imported by production code.
 */
export { findFreePort } from './free-port.js';
export { EtcdStartError, startEtcd, type EtcdServer, type StartEtcdOptions } from './etcd-server.js';
