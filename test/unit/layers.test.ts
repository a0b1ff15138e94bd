import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Layers point one way (developers' guide): domain imports no Temporal and no
 * other layer; workflows import only workflow-safe code (no activities or
 * runtime at run time, no Node); activities never import workflows or runtime.
 */
const SRC = path.resolve(__dirname, '..', '..', 'src');

interface Import {
  file: string;
  specifier: string;
  typeOnly: boolean;
}

function importsOf(layer: string): Import[] {
  const dir = path.join(SRC, layer);
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .flatMap((name) => {
      const text = readFileSync(path.join(dir, name), 'utf8');
      return [...text.matchAll(/^(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?'([^']+)'/gm)].map((m) => ({
        file: `${layer}/${name}`,
        specifier: m[2]!,
        typeOnly: m[1] !== undefined,
      }));
    });
}

/** The layer a relative import lands in (`domain`, `api`, `runtime`, ...), or undefined for a package. */
function targetLayer(imp: Import): string | undefined {
  if (!imp.specifier.startsWith('.')) return undefined;
  const resolved = path.relative(SRC, path.resolve(SRC, path.dirname(imp.file), imp.specifier));
  return resolved.split(path.sep)[0]!.replace(/\.ts$/, '');
}

const describeImport = (imp: Import) => `${imp.file} imports '${imp.specifier}'${imp.typeOnly ? ' (type only)' : ''}`;

describe('layer rules', () => {
  it('domain imports no Temporal package and no other layer', () => {
    const forbidden = importsOf('domain').filter((imp) => imp.specifier.startsWith('@temporalio/') || (targetLayer(imp) !== undefined && targetLayer(imp) !== 'domain'));
    expect(forbidden.map(describeImport)).toEqual([]);
  });

  it('workflows import only workflow-safe code: no Node, no runtime, config or CLI, activities for their types only', () => {
    const forbidden = importsOf('workflows').filter((imp) => {
      const layer = targetLayer(imp);
      if (layer === undefined) return !['@temporalio/workflow', '@temporalio/common'].includes(imp.specifier);
      if (layer === 'activities') return !imp.typeOnly;
      return !['workflows', 'domain', 'api'].includes(layer);
    });
    expect(forbidden.map(describeImport)).toEqual([]);
  });

  it('activities never import workflows or runtime', () => {
    const forbidden = importsOf('activities').filter((imp) => {
      const layer = targetLayer(imp);
      return layer === 'workflows' || layer === 'runtime';
    });
    expect(forbidden.map(describeImport)).toEqual([]);
  });

  it('sees the imports it checks (the walk is not empty)', () => {
    for (const layer of ['domain', 'workflows', 'activities']) expect(importsOf(layer).length).toBeGreaterThan(5);
    expect(importsOf('workflows').some((imp) => imp.specifier === '../activities' && imp.typeOnly)).toBe(true);
  });
});
