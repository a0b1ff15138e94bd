/**
 * How a worker process is started, wherever it is started: the Dockerfile's
 * CMD and ENV, `npm start`, and the worker processes the tests, the crash
 * harness and the bench spawn (test/support/workerProcess.ts). Both
 * must be set before Node starts, so the Dockerfile and package.json spell
 * them out too; test/integration/compose.test.ts keeps those in step.
 *
 * Measured in a 10,000-wake storm (docs/performance.md): with Node's defaults
 * peak RSS went from ~150 MB to 300–390 MB. V8 sizes its heaps against a
 * limit derived from the machine's memory (4 GiB here) and so collects late;
 * its young generation is up to 3 × 16 MiB per isolate, and the workflow
 * sandbox is a second isolate; glibc gives each of the Rust core's threads
 * its own malloc arena. With these the peak stays near 200–220 MB at the
 * same throughput. A JS heap of 384 MiB is about five times the largest
 * either isolate was seen to use.
 */
export const WORKER_NODE_FLAGS = ['--max-semi-space-size=2', '--max-old-space-size=384'] as const;
export const WORKER_PROCESS_ENV = { MALLOC_ARENA_MAX: '2' } as const;

