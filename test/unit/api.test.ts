import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as api from '../../src/api';
import * as workflows from '../../src/workflows';

/**
 * The README's "Temporal objects" table is what operators read; src/api.ts is
 * what the code uses. Every signal, query, update, workflow type and search
 * attribute named in one must be in the other.
 */
const README = readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8');

function temporalObjectsTable(): Array<{ thing: string; value: string }> {
  const section = README.split(/^## Temporal objects$/m)[1]?.split(/^## /m)[0];
  if (!section) throw new Error('README.md has no "## Temporal objects" section');
  return section
    .split('\n')
    .filter((line) => line.startsWith('| ') && !/^\|\s*(Thing|-+)\s*\|/.test(line))
    .map((line) => {
      // Cells are split on unescaped pipes only (`\|` appears inside values).
      const [thing = '', ...rest] = line.slice(1, -1).split(/(?<!\\)\|/).map((cell) => cell.trim());
      return { thing, value: rest.join(' | ') };
    });
}

const rows = temporalObjectsTable();
const backticked = (text: string) => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
const namedRows = (kind: string) => rows.filter((r) => r.thing.startsWith(`${kind} `)).flatMap((r) => backticked(r.thing)).sort();
const row = (thing: string) => {
  const found = rows.find((r) => r.thing === thing);
  if (!found) throw new Error(`README "Temporal objects" has no row "${thing}"`);
  return found.value;
};
const names = (definitions: readonly { name: string }[]) => definitions.map((d) => d.name).sort();

describe('README "Temporal objects" table against src/api.ts', () => {
  it('lists every signal, query and update, and nothing else', () => {
    expect(namedRows('Signal')).toEqual(names(api.SIGNALS));
    expect(namedRows('Query')).toEqual(names(api.QUERIES));
    expect(namedRows('Update')).toEqual(names(api.UPDATES));
  });

  it('names both workflow types, the default task queue, the default tail ID and the investigation ID scheme', () => {
    const types = rows.filter((r) => / workflow$/.test(r.thing)).map((r) => /type `([^`]+)`/.exec(r.value)?.[1]).sort();
    expect(types).toEqual(Object.values(api.WORKFLOW_TYPES).sort());
    expect(row('Task queue')).toContain(`default \`${api.DEFAULT_TASK_QUEUE}\``);
    expect(row('Tail workflow')).toContain(`(default \`${api.DEFAULT_TAIL_WORKFLOW_ID}\`)`);
    expect(row('Investigation workflow')).toContain(`ID \`${api.investigationWorkflowId('{probe}', '{category}', '{windowKey}')}\``);
  });

  it('lists every search attribute and outcome value, and nothing else', () => {
    const listed = backticked(row('Search attributes (Keyword)'));
    const outcomes = [...api.INVESTIGATION_OUTCOMES];
    expect(listed.filter((name) => !outcomes.includes(name as api.InvestigationOutcomeValue)).sort()).toEqual([...api.SEARCH_ATTRIBUTE_NAMES].sort());
    expect(listed.filter((name) => outcomes.includes(name as api.InvestigationOutcomeValue))).toEqual(outcomes);
  });
});

describe('src/api.ts', () => {
  it('derives the search attribute names from the keys', () => {
    expect(api.SEARCH_ATTRIBUTE_NAMES).toEqual(['ProbeName', 'IssueCategory', 'ProbeSeverity', 'InvestigationOutcome']);
    expect(Object.values(api.SEARCH_ATTRIBUTE_KEYS).map((key) => key.type)).toEqual(['KEYWORD', 'KEYWORD', 'KEYWORD', 'KEYWORD']);
  });

  it('names the workflow functions the worker registers', () => {
    expect(Object.keys(workflows).sort()).toEqual(Object.values(api.WORKFLOW_TYPES).sort());
  });
});
