import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveTool, ToolSetupError, type TemporalTool } from '../../src/runtime/temporalTools';

/** A tool that is never cached, so resolution has to go all the way down the list. */
const uncached: TemporalTool = {
  label: 'Test tool',
  envVar: 'PROBE_WAKE_TEST_TOOL_PATH',
  command: 'probe-wake-test-tool',
  wheel: 'probe-wake-no-such-wheel',
  version: '0.0.0',
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'probe-wake-tools-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function executable(name: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, '#!/bin/sh\nexit 0\n');
  chmodSync(file, 0o755);
  return file;
}

describe('resolveTool', () => {
  it('prefers the env variable', () => {
    const file = executable('anything');
    expect(resolveTool(uncached, { PROBE_WAKE_TEST_TOOL_PATH: file, PATH: '' })).toBe(file);
  });

  it('refuses an env variable that does not point at an executable', () => {
    expect(() => resolveTool(uncached, { PROBE_WAKE_TEST_TOOL_PATH: path.join(dir, 'missing'), PATH: '' })).toThrow(
      /PROBE_WAKE_TEST_TOOL_PATH=.*is not an executable file/,
    );
  });

  it('then looks on PATH', () => {
    const file = executable('probe-wake-test-tool');
    expect(resolveTool(uncached, { PATH: `/nonexistent:${dir}` })).toBe(file);
  });

  it('says what to install when python3 with pip is missing', () => {
    const progress = jest.fn();
    let error: unknown;
    try {
      resolveTool(uncached, { PATH: dir }, progress);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ToolSetupError);
    expect((error as Error).message).toMatch(/python3 with pip is needed to fetch probe-wake-no-such-wheel==0\.0\.0/);
    expect((error as Error).message).toMatch(/apt-get install python3-pip/);
    expect((error as Error).message).toMatch(/PROBE_WAKE_TEST_TOOL_PATH/);
    expect(progress).not.toHaveBeenCalled();
  });
});
