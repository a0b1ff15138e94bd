// Part of `npm run build`: bundles the compiled workflows (lib/workflows) once,
// into lib/workflow-bundle.js, which the worker loads with
// `workflowBundle: { codePath }` instead of running webpack at every start.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { bundleWorkflowCode, DefaultLogger } = require('@temporalio/worker');

const lib = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'lib');
const out = path.join(lib, 'workflow-bundle.js');
const { code } = await bundleWorkflowCode({
  workflowsPath: require.resolve(path.join(lib, 'workflows')),
  logger: new DefaultLogger('WARN'),
});
writeFileSync(out, code);
console.error(`workflow bundle: ${path.relative(process.cwd(), out)} (${Math.round(code.length / 1024)} KiB)`);
