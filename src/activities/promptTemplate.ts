import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The prompt is a versioned file under prompts/, reviewed like code; the version travels with every outcome. */
export const PROMPT_VERSION = 'investigation-v1';

export interface PromptTemplate {
  version: string;
  system: string;
}

/** prompts/ at the checkout's root, seen from src/activities or, built, lib/activities. */
const PROMPTS_DIR = path.resolve(__dirname, '..', '..', 'prompts');

/** Read once at worker start: a missing template stops start-up rather than failing every investigation. */
export function loadPromptTemplate(version = PROMPT_VERSION, dir = PROMPTS_DIR): PromptTemplate {
  const file = path.join(dir, `${version}.md`);
  let system: string;
  try {
    system = readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new Error(`prompt template ${file} cannot be read: ${(err as Error).message}`);
  }
  if (system === '') throw new Error(`prompt template ${file} is empty`);
  return { version, system };
}
