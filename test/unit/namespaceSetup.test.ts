import { parseRetention } from '../../src/runtime/namespace';
import { grpcCode, isNotFound, isPermissionProblem } from '../../src/runtime/temporalErrors';
import { setupFix } from '../../src/cli/commands/setup';

describe('parseRetention', () => {
  it('reads days, hours and bare days as seconds', () => {
    expect(parseRetention('30d')).toBe(30 * 86_400);
    expect(parseRetention('72h')).toBe(72 * 3_600);
    expect(parseRetention('7')).toBe(7 * 86_400);
  });
  it('rejects less than a day and anything else, naming the value', () => {
    for (const bad of ['12h', '0d', '30 days', '', '-1d']) expect(() => parseRetention(bad)).toThrow(`--retention ${JSON.stringify(bad)}`);
  });
});

describe('gRPC status of Temporal errors', () => {
  // A ServiceError from @temporalio/client carries the grpc-js error (with its numeric code) as `cause`.
  const wrapped = (code: number) => Object.assign(new Error('Namespace default is not found'), { cause: Object.assign(new Error('5 NOT_FOUND'), { code }) });
  it('finds the code on the error or its cause', () => {
    expect(grpcCode(wrapped(5))).toBe(5);
    expect(isNotFound(wrapped(5))).toBe(true);
    expect(isPermissionProblem(wrapped(7))).toBe(true);
    expect(isPermissionProblem(wrapped(16))).toBe(true);
    expect(isPermissionProblem(wrapped(5))).toBe(false);
  });
  it('blames permissions only for a permission error', () => {
    expect(setupFix(wrapped(5), 'add search attributes')).not.toMatch(/admin|permission/i);
    expect(setupFix(wrapped(7), 'add search attributes')).toMatch(/admin rights/);
    expect(setupFix(new Error('boom'), 'add search attributes')).not.toMatch(/admin|permission/i);
  });
});
