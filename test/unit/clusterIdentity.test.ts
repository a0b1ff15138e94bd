import { identityChange, type ClusterIdentity } from '../../src/runtime/clusterIdentity';

const a: ClusterIdentity = { clusterId: '6c1d6a4e-0000-4000-8000-00000000000a', clusterName: 'active', serverVersion: '1.32.0' };

describe('identityChange', () => {
  it('is nothing for the same cluster (a restart keeps the ID in the database) or no answer (server down)', () => {
    expect(identityChange('127.0.0.1:7233', a, { ...a, serverVersion: '1.32.1' })).toBeUndefined();
    expect(identityChange('127.0.0.1:7233', a, undefined)).toBeUndefined();
  });
  it('names both cluster IDs and the address when another cluster answers', () => {
    const b = { ...a, clusterId: '6c1d6a4e-0000-4000-8000-00000000000b' };
    const err = identityChange('127.0.0.1:7233', a, b);
    expect(err?.name).toBe('ClusterChangedError');
    expect(err?.message).toContain('127.0.0.1:7233 is now a different cluster');
    expect(err?.message).toContain(a.clusterId);
    expect(err?.message).toContain(b.clusterId);
  });
});
