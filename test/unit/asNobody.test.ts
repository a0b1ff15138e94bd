/**
 * The `nobody` runner the EACCES tests use must work wherever the checkout
 * is: here from a mode-0700 folder (as a clone inside a private home or a
 * `mktemp -d` folder is), which `nobody` cannot traverse.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NOBODY, runAsNobody } from '../support/asNobody';

let root: string;
let entry: string;
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'probe-wake-private-'));
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };
  write('package.json', '{"name":"private-checkout"}');
  write('lib/entry.js', "const { twice } = require('./dep'); const { greet } = require('greeter'); exports.run = (name) => greet(twice(name));");
  write('lib/dep.js', 'exports.twice = (s) => s + s;');
  write('node_modules/greeter/package.json', '{"name":"greeter","main":"src/main.js"}');
  write('node_modules/greeter/src/main.js', "exports.greet = (s) => 'hello ' + s;");
  entry = path.join(root, 'lib', 'entry.js');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('the checkout stand-in is private: nobody cannot load it from where it is', async () => {
  expect(statSync(root).mode & 0o777).toBe(0o700);
  const failure = await new Promise<Error | null>((resolve) =>
    execFile(process.execPath, [entry], { uid: NOBODY, gid: NOBODY, cwd: '/' }, (err) => resolve(err)),
  );
  expect(failure?.message).toMatch(/EACCES|Cannot find module/);
});

it('runs a module, its relative requires and its npm package as nobody from a 0700 checkout', async () => {
  const script = "process.stdout.write(JSON.stringify({ uid: process.getuid(), said: require(process.argv[1]).run(process.argv[2]) }))";
  const out = JSON.parse(await runAsNobody(entry, script, ['ab'], root));
  expect(out).toEqual({ uid: NOBODY, said: 'hello abab' });
});
