import { parseFailpointEndpoint } from '../../src/runtime/failpoints';

describe('PROBE_WAKE_FAILPOINTS', () => {
  it('is off when unset or blank', () => {
    expect(parseFailpointEndpoint(undefined)).toBeUndefined();
    expect(parseFailpointEndpoint('  ')).toBeUndefined();
  });

  it('takes an http URL on the loopback interface', () => {
    expect(parseFailpointEndpoint('http://127.0.0.1:4567/failpoint')?.href).toBe('http://127.0.0.1:4567/failpoint');
    expect(parseFailpointEndpoint('http://localhost:4567/')?.port).toBe('4567');
  });

  it.each(['https://127.0.0.1:1/', 'http://example.com/failpoint', 'http://10.0.0.1:80/', 'not a url'])('refuses %s, naming the variable', (value) => {
    expect(() => parseFailpointEndpoint(value)).toThrow(/^PROBE_WAKE_FAILPOINTS=.*must be an http:\/\/ URL on 127\.0\.0\.1 or localhost/);
  });
});
