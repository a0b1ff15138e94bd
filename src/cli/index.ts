#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config';
import { registerDoctor } from './commands/doctor';
import { registerEmit } from './commands/emit';
import { registerInvestigations } from './commands/investigations';
import { registerOperatorActions } from './commands/operatorActions';
import { registerRedeliver } from './commands/redeliver';
import { registerResetDebounce } from './commands/resetDebounce';
import { registerSetup } from './commands/setup';
import { registerSilences } from './commands/silences';
import { registerStatus } from './commands/status';
import { CliError } from './context';

/** Exit codes: 0 ok, 1 a check or an operation failed, 2 bad flags or bad configuration. */
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

export function buildProgram(): Command {
  const program = new Command('probe-wake')
    .description('Operate probe-wake: emit wakes, inspect the tail, reset debounce, silence probes, act on investigations, list them, check the set-up.')
    .version(packageVersion())
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      '\nConfiguration comes from the same environment variables as the worker (see README "Configuration").\n' +
        'Without TEMPORAL_ADDRESS the CLI talks to the local dev server of `npm start` (127.0.0.1:TEMPORAL_DEV_PORT).',
    );
  registerEmit(program);
  registerStatus(program);
  registerResetDebounce(program);
  registerSilences(program);
  registerInvestigations(program);
  registerRedeliver(program);
  registerOperatorActions(program);
  registerDoctor(program);
  registerSetup(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has already printed the message (or the help / version).
      return err.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`probe-wake: ${err.message}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof CliError) {
      process.stderr.write(`probe-wake: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`probe-wake: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return EXIT_FAILED;
  }
}

if (require.main === module) {
  void main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
