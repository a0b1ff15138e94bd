/**
 * The one Temporal server version the suite proves: the dev server of the pinned Temporal CLI
 * (temporal 1.9.1 = Server 1.32.0, see src/runtime/temporalTools.ts), the PostgreSQL-backed cluster
 * the `cluster` project builds with `go install`, and docker-compose.yml's images (server and
 * admin-tools of this version, UI below). test/integration/compose.test.ts holds compose to these.
 */
export const TEMPORAL_SERVER_VERSION = '1.32.0';
export const TEMPORAL_UI_VERSION = '2.54.1';
