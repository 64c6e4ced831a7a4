// `npm run create-rule <rule-id>`: scaffolds the rule, its test and its docs page from
// scripts/templates, then regenerates the index, README table and docs header.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const id = process.argv[2];
if (!id || !/^[a-z]+(-[a-z]+)*$/.test(id)) {
  console.error('Usage: npm run create-rule <rule-id>   (kebab-case, e.g. no-lost-message)');
  process.exit(2);
}
const targets = [
  ['rule.ts', path.join(root, 'rules', 'src', 'rules', `${id}.ts`)],
  ['rule.test.ts', path.join(root, 'test', 'rules', `${id}.test.ts`)],
  ['rule.md', path.join(root, 'rules', 'docs', 'rules', `${id}.md`)],
];
for (const [, target] of targets) {
  if (existsSync(target)) {
    console.error(`${path.relative(root, target)} already exists.`);
    process.exit(2);
  }
}
for (const [template, target] of targets) {
  const text = await readFile(path.join(root, 'scripts', 'templates', template), 'utf8');
  await writeFile(target, text.replaceAll('RULE_ID', id));
  console.log(`created ${path.relative(root, target)}`);
}
spawnSync(process.execPath, [path.join(root, 'scripts', 'generate.mjs')], { stdio: 'inherit' });
console.log('Next: write the rule, its cases and its docs; docs/new-rule.md has the checklist.');
