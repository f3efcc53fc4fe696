/**
 * dist/worker.js carries its dependencies inside it (tsup.config.ts says why), so it ships
 * their licence texts beside it: dist/worker.js.LICENSES.txt, one section per package found
 * in the bundle (esbuild marks each bundled module with a "// node_modules/<package>/..." line).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = readFileSync(join(root, 'dist/worker.js'), 'utf8');
const names = new Set<string>();
for (const m of bundle.matchAll(/^\/\/ node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)) names.add(m[1]);
names.delete('tsup'); // its ESM shim only, no library code
const sections: string[] = [];
for (const name of [...names].sort()) {
  const dir = join(root, 'node_modules', name);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string; license?: string };
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  if (!file) throw new Error(`worker-notices: ${name} has no licence file in node_modules/${name}; add its notice by hand`);
  sections.push(`${name} ${pkg.version} (${pkg.license ?? 'see text'})\n\n${readFileSync(join(dir, file), 'utf8').trim()}\n`);
}
if (!existsSync(join(root, 'dist'))) throw new Error('worker-notices: build first');
writeFileSync(join(root, 'dist/worker.js.LICENSES.txt'), `Packages bundled into worker.js, with their licences:\n\n${sections.join('\n' + '-'.repeat(72) + '\n\n')}`);
console.log(`worker notices: ${names.size} packages -> dist/worker.js.LICENSES.txt`);
