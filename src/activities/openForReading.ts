import { promises as fs } from 'node:fs';

/** The file open for reading, or undefined when it cannot be opened (gone, moved away, not permitted). */
export async function openIfReadable(path: string): Promise<fs.FileHandle | undefined> {
  try {
    return await fs.open(path, 'r');
  } catch {
    return undefined;
  }
}
