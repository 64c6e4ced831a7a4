// Builds the runtime's CommonJS twin from its ESM output: each module transformed on its own
// (no bundling), so `cancel-safe` and `cancel-safe/node` share one copy of every class.
import { transform } from 'esbuild';
import { mkdir, readdir, readFile, writeFile, copyFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'runtime', 'dist');
const esm = path.join(root, 'esm');
const cjs = path.join(root, 'cjs');
await mkdir(cjs, { recursive: true });
await writeFile(path.join(cjs, 'package.json'), '{ "type": "commonjs" }\n');
for (const name of await readdir(esm)) {
  const from = path.join(esm, name);
  if (name.endsWith('.js')) {
    const code = await readFile(from, 'utf8');
    const result = await transform(code, { format: 'cjs', target: 'node20', sourcefile: name, loader: 'js' });
    await writeFile(path.join(cjs, name), result.code);
  } else if (name.endsWith('.d.ts')) {
    await copyFile(from, path.join(cjs, name));
  }
}
