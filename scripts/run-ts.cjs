// `node scripts/run-ts.cjs <file.ts> [args...]`: runs a TypeScript tool
// (npm run chaos, bench, eval, record-histories) from its source.
//
// Why from source and not from a build: the project has one build, `src` to
// `lib/` (npm run build), which is what production and every process a test
// spawns runs. The tools import `src` and `test/support` freely; compiling
// them too would compile `src` a second time into a second tree (the old
// lib/chaos, lib-eval, lib/bench, .tools/scripts-build), and code that runs
// from several trees cannot find the checkout by a fixed path. Instead each
// .ts file is transpiled as it is required, file by file, with the compiler
// options of tsconfig.json: the same transpile-only step ts-jest applies to
// the tests (isolatedModules), with the same compiler, no extra dependency.
// Types are checked by `npm run typecheck`, not here. Processes a tool spawns
// (worker, CLI) run the compiled lib/, as the tests' do.
'use strict';
const { readFileSync } = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const ts = require('typescript');

const root = path.resolve(__dirname, '..');
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  process.stderr.write('usage: node scripts/run-ts.cjs <file.ts> [args...]\n');
  process.exit(2);
}

const parsed = ts.getParsedCommandLineOfConfigFile(path.join(root, 'tsconfig.json'), {}, {
  ...ts.sys,
  onUnRecoverableConfigFileDiagnostic: (d) => {
    throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  },
});
const compilerOptions = { ...parsed.options, noEmit: false, sourceMap: false, inlineSourceMap: true, inlineSources: true };

Module._extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), { fileName: filename, compilerOptions });
  module._compile(outputText, filename);
};
process.setSourceMapsEnabled(true);

// As if `node <entry> args...` had been run: the tool's argv and `require.main`.
process.argv = [process.argv[0], path.resolve(entry), ...args];
Module.runMain();
