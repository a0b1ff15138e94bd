import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  kernel: string;
  node: string;
  temporalSdk: string;
  temporalCli: string;
  /** 1-minute load average when the run started and ended: how busy the machine was besides us. */
  loadAverageStart: number;
  loadAverageEnd?: number;
}

export function machineInfo(root: string, temporalCli: string): MachineInfo {
  return {
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    temporalSdk: packageVersion(root, '@temporalio/worker'),
    temporalCli: cliVersion(temporalCli),
    loadAverageStart: os.loadavg()[0]!,
  };
}

function packageVersion(root: string, name: string): string {
  try {
    return (JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function cliVersion(cli: string): string {
  try {
    return execFileSync(cli, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

const CLOCK_TICKS_PER_SECOND = Number(safeExec('getconf', ['CLK_TCK']) || 100);

function safeExec(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

/** User + system CPU seconds a process has used, from /proc/<pid>/stat (fields 14 and 15). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces: split after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / CLOCK_TICKS_PER_SECOND;
}

/** A field of /proc/<pid>/status in MB (VmRSS, VmHWM, ...). */
export function memoryMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** Resets VmHWM to the current RSS (Linux clear_refs 5), so a later VmHWM is the peak of one phase. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
