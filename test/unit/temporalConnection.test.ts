/**
 * Temporal's environment configuration as lib/worker.js uses it: which
 * variables become which connection options, and that the API key and the
 * mTLS client certificate really go out on the wire from NativeConnection.
 */
import { readFileSync } from 'node:fs';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import path from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import { ConfigError, DEFAULT_METRICS_ADDRESS, DEFAULT_SHUTDOWN_GRACE_SECONDS, loadConfig } from '../../src/config/config';
import { clusterTarget } from '../../src/client/temporalTarget';

const TLS = path.join(__dirname, '..', 'fixtures', 'tls');
const tlsFile = (name: string) => path.join(TLS, name);
const config = loadConfig({}, '/srv');

describe('clusterTarget (Temporal env config → NativeConnection options)', () => {
  it('maps address, namespace and an API key (which turns TLS on)', () => {
    const target = clusterTarget(config, {
      TEMPORAL_ADDRESS: 'my-ns.a1b2c.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'my-ns.a1b2c',
      TEMPORAL_API_KEY: 'key-123',
    });
    expect(target.connectionOptions).toMatchObject({ address: 'my-ns.a1b2c.tmprl.cloud:7233', apiKey: 'key-123', tls: true });
    expect(target.config.temporal.namespace).toBe('my-ns.a1b2c');
  });

  it('maps the mTLS client pair, server CA and server name from files', () => {
    const target = clusterTarget(config, {
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_TLS_CLIENT_CERT_PATH: tlsFile('client.pem'),
      TEMPORAL_TLS_CLIENT_KEY_PATH: tlsFile('client-key.pem'),
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: tlsFile('ca.pem'),
      TEMPORAL_TLS_SERVER_NAME: 'localhost',
    });
    const tls = target.connectionOptions.tls;
    if (typeof tls !== 'object' || tls === null) throw new Error(`expected a TLS config, got ${String(tls)}`);
    expect(Buffer.from(tls.clientCertPair!.crt).equals(readFileSync(tlsFile('client.pem')))).toBe(true);
    expect(Buffer.from(tls.clientCertPair!.key).equals(readFileSync(tlsFile('client-key.pem')))).toBe(true);
    expect(Buffer.from(tls.serverRootCACertificate!).equals(readFileSync(tlsFile('ca.pem')))).toBe(true);
    expect(tls.serverNameOverride).toBe('localhost');
    expect(target.connectionOptions.apiKey).toBeUndefined();
    // No TEMPORAL_NAMESPACE: our own default stays.
    expect(target.config.temporal.namespace).toBe('default');
  });

  it('keeps TLS off when asked to, even with an API key', () => {
    const target = clusterTarget(config, { TEMPORAL_ADDRESS: '10.0.0.5:7233', TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' });
    expect(target.connectionOptions.tls).toBe(false);
  });

  it('refuses to start without an address, naming the variable', () => {
    expect(() => clusterTarget(config, {})).toThrow(ConfigError);
    expect(() => clusterTarget(config, {})).toThrow(/TEMPORAL_ADDRESS/);
  });
});

/** An HTTP/2 server that records what a gRPC client sent on its first call, then answers UNAVAILABLE. */
async function recordingServer(secure: boolean) {
  const seen: Array<{ authorization?: string; clientCertCN?: string; path?: string }> = [];
  const server = secure
    ? http2.createSecureServer({
        key: readFileSync(tlsFile('server-key.pem')),
        cert: readFileSync(tlsFile('server.pem')),
        ca: readFileSync(tlsFile('ca.pem')),
        requestCert: true,
        rejectUnauthorized: true,
      })
    : http2.createServer();
  server.on('stream', (stream, headers) => {
    const socket = stream.session?.socket as TLSSocket | undefined;
    const cn = secure ? socket?.getPeerCertificate()?.subject?.CN : undefined;
    seen.push({ authorization: headers.authorization as string | undefined, clientCertCN: cn as string | undefined, path: headers[':path'] as string });
    stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '14', 'grpc-message': 'recording server' }, { endStream: true });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    seen,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function connectOnce(env: Record<string, string>): Promise<void> {
  const { connectionOptions } = clusterTarget(config, env);
  try {
    const connection = await NativeConnection.connect(connectionOptions);
    await connection.close();
  } catch {
    // The recording server never answers a real gRPC call; what it received is the point.
  }
}

describe('NativeConnection from Temporal env config, on the wire', () => {
  it('sends TEMPORAL_API_KEY as a Bearer authorization header', async () => {
    const server = await recordingServer(false);
    try {
      await connectOnce({ TEMPORAL_ADDRESS: `127.0.0.1:${server.port}`, TEMPORAL_API_KEY: 'wire-key-42', TEMPORAL_TLS: 'false' });
      expect(server.seen.length).toBeGreaterThan(0);
      expect(server.seen[0]).toMatchObject({ authorization: 'Bearer wire-key-42', path: expect.stringContaining('temporal.api.workflowservice.v1.WorkflowService/') });
    } finally {
      await server.close();
    }
  });

  it('presents the TEMPORAL_TLS_CLIENT_CERT_PATH certificate and trusts TEMPORAL_TLS_SERVER_CA_CERT_PATH (mTLS)', async () => {
    const server = await recordingServer(true);
    try {
      await connectOnce({
        TEMPORAL_ADDRESS: `127.0.0.1:${server.port}`,
        TEMPORAL_TLS_CLIENT_CERT_PATH: tlsFile('client.pem'),
        TEMPORAL_TLS_CLIENT_KEY_PATH: tlsFile('client-key.pem'),
        TEMPORAL_TLS_SERVER_CA_CERT_PATH: tlsFile('ca.pem'),
        TEMPORAL_TLS_SERVER_NAME: 'localhost',
        TEMPORAL_API_KEY: 'tls-key-7',
      });
      expect(server.seen.length).toBeGreaterThan(0);
      expect(server.seen[0]).toMatchObject({ clientCertCN: 'probe-wake-test-client', authorization: 'Bearer tls-key-7' });
    } finally {
      await server.close();
    }
  });
});

describe('worker settings', () => {
  const problems = (env: Record<string, string>): string[] => {
    try {
      loadConfig(env, '/srv');
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    }
    return [];
  };

  it('defaults: 30 s grace, metrics on 0.0.0.0:9464 (not explicit)', () => {
    expect(config.worker).toEqual({ shutdownGraceSeconds: DEFAULT_SHUTDOWN_GRACE_SECONDS, metricsAddress: DEFAULT_METRICS_ADDRESS, metricsAddressExplicit: false });
    expect(DEFAULT_SHUTDOWN_GRACE_SECONDS).toBe(30);
  });

  it('reads PROBE_WAKE_SHUTDOWN_GRACE_SEC and PROBE_WAKE_METRICS_ADDRESS', () => {
    expect(loadConfig({ PROBE_WAKE_SHUTDOWN_GRACE_SEC: '90', PROBE_WAKE_METRICS_ADDRESS: '127.0.0.1:9000' }, '/srv').worker).toEqual({
      shutdownGraceSeconds: 90,
      metricsAddress: '127.0.0.1:9000',
      metricsAddressExplicit: true,
    });
    expect(loadConfig({ PROBE_WAKE_METRICS_ADDRESS: 'off' }, '/srv').worker.metricsAddress).toBeUndefined();
    expect(loadConfig({ PROBE_WAKE_METRICS_ADDRESS: '[::]:9464' }, '/srv').worker.metricsAddress).toBe('[::]:9464');
  });

  it.each([
    [{ PROBE_WAKE_SHUTDOWN_GRACE_SEC: '-1' }, 'PROBE_WAKE_SHUTDOWN_GRACE_SEC="-1"'],
    [{ PROBE_WAKE_SHUTDOWN_GRACE_SEC: 'soon' }, 'PROBE_WAKE_SHUTDOWN_GRACE_SEC="soon"'],
    [{ PROBE_WAKE_SHUTDOWN_GRACE_SEC: '7200' }, 'PROBE_WAKE_SHUTDOWN_GRACE_SEC="7200"'],
    [{ PROBE_WAKE_METRICS_ADDRESS: '9464' }, 'PROBE_WAKE_METRICS_ADDRESS'],
    [{ PROBE_WAKE_METRICS_ADDRESS: 'http://0.0.0.0:9464' }, 'PROBE_WAKE_METRICS_ADDRESS'],
    [{ PROBE_WAKE_METRICS_ADDRESS: '0.0.0.0:99999' }, 'PROBE_WAKE_METRICS_ADDRESS="0.0.0.0:99999"'],
  ])('rejects %j, naming the variable', (env, name) => {
    const found = problems(env);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(name);
  });
});
