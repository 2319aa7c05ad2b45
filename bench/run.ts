import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `npm run bench`: every bench/*.bench.ts, one after the other, each in its own process (and its own local AWS). */
const directory = dirname(fileURLToPath(import.meta.url));
const files = readdirSync(directory).filter((file) => file.endsWith('.bench.ts')).sort();
for (const file of files) {
  console.log(`\n=== ${file} ===`);
  const result = spawnSync(process.execPath, [join(directory, file)], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
