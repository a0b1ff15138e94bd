import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTE_NAMES } from '../api';
import { isNotFound } from './temporalErrors';

const KEYWORD = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;

export interface SearchAttributeSetup {
  added: string[];
  alreadyRegistered: string[];
}

/** The namespace is not ready for a worker: a start-up refusal, explained to the operator. */
export class NamespaceNotReady extends Error {
  override name = 'NamespaceNotReady';
}

/**
 * A worker's start-up check: the namespace exists and has our Keyword search attributes. Without
 * them the tail's workflow task would fail for ever at its first investigation (BadSearchAttributes).
 */
export async function requireSearchAttributes(connection: Connection, namespace: string, address: string): Promise<void> {
  let missing: string[];
  try {
    missing = await missingSearchAttributes(connection, namespace);
  } catch (err) {
    if (isNotFound(err)) {
      throw new NamespaceNotReady(`namespace ${namespace} does not exist on ${address}: run \`npx probe-wake setup\` (creates it, then registers the search attributes), or set TEMPORAL_NAMESPACE`);
    }
    throw err;
  }
  if (missing.length > 0) {
    throw new NamespaceNotReady(
      `namespace ${namespace} on ${address} lacks the Keyword search attribute(s) ${missing.join(', ')} the tail sets on every investigation: ` +
        'run `npx probe-wake setup` once (Temporal Cloud: add them in the Cloud UI or with tcld), then start the worker',
    );
  }
}

export class SearchAttributeConflict extends Error {
  override name = 'SearchAttributeConflict';
}

/**
 * Registers the investigations' Keyword search attributes on a namespace.
 * Idempotent: attributes already registered as Keyword are left alone; one
 * registered with another type is an error (it cannot be changed in place).
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<SearchAttributeSetup> {
  const existing = await registeredSearchAttributes(connection, namespace);
  const conflicts = SEARCH_ATTRIBUTE_NAMES.filter((name) => existing.has(name) && existing.get(name) !== KEYWORD);
  if (conflicts.length > 0) {
    throw new SearchAttributeConflict(
      `search attribute(s) ${conflicts.join(', ')} already exist in namespace ${namespace} with a type other than Keyword; remove them or use another namespace`,
    );
  }
  const missing = SEARCH_ATTRIBUTE_NAMES.filter((name) => !existing.has(name));
  if (missing.length > 0) {
    try {
      await connection.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: Object.fromEntries(missing.map((name) => [name, KEYWORD])),
      });
    } catch (err) {
      // Another `setup` may have won the race; what counts is that they are there now.
      const now = await registeredSearchAttributes(connection, namespace);
      if (!missing.every((name) => now.get(name) === KEYWORD)) throw err;
    }
  }
  return { added: [...missing], alreadyRegistered: SEARCH_ATTRIBUTE_NAMES.filter((name) => !missing.includes(name)) };
}

/** Names of our attributes that are not registered as Keyword on the namespace. */
export async function missingSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const existing = await registeredSearchAttributes(connection, namespace);
  return SEARCH_ATTRIBUTE_NAMES.filter((name) => existing.get(name) !== KEYWORD);
}

async function registeredSearchAttributes(connection: Connection, namespace: string): Promise<Map<string, temporal.api.enums.v1.IndexedValueType>> {
  const listed = await connection.operatorService.listSearchAttributes({ namespace });
  return new Map(Object.entries(listed.customAttributes ?? {}));
}
