/**
 * dist/worker.js and dist/cli.js carry dependencies inside them (tsup.config.ts says why), so
 * each ships their licence texts beside it (dist/<bundle>.LICENSES.txt), one section per
 * package found in it (esbuild marks each bundled module with a "// node_modules/<package>/" line).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(join(root, 'dist'))) throw new Error('bundle notices: build first');

/** An installed package's notice: its name, version and licence, then its licence file's text. */
function noticeOf(name: string): string {
  const dir = join(root, 'node_modules', name);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string; license?: string };
  const licence = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  if (!licence) throw new Error(`bundle notices: ${name} has no licence file in node_modules/${name}; add its notice by hand`);
  return `${name} ${pkg.version} (${pkg.license ?? 'see text'})\n\n${readFileSync(join(dir, licence), 'utf8').trim()}\n`;
}

/** The packages esbuild put into a bundle, each with its notice. */
function notices(bundleFile: string): string[] {
  const bundle = readFileSync(join(root, 'dist', bundleFile), 'utf8');
  const names = new Set<string>();
  for (const m of bundle.matchAll(/^\/\/ node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)) names.add(m[1]);
  names.delete('tsup'); // its ESM shim only, no library code
  return [...names].sort().map(noticeOf);
}

for (const bundleFile of ['worker.js', 'cli.js']) {
  const sections = notices(bundleFile);
  writeFileSync(join(root, 'dist', `${bundleFile}.LICENSES.txt`), `Packages bundled into ${bundleFile}, with their licences:\n\n${sections.join('\n' + '-'.repeat(72) + '\n\n')}`);
  console.log(`bundle notices: ${sections.length} packages -> dist/${bundleFile}.LICENSES.txt`);
}

// dist/word-tags.json is compromise's word lexicon, copied by the build (scripts/bundle-lexicons.ts).
writeFileSync(join(root, 'dist/word-tags.json.LICENSES.txt'), `word-tags.json holds the word lexicon of compromise, with its licence:\n\n${noticeOf('compromise')}`);
console.log('bundle notices: compromise -> dist/word-tags.json.LICENSES.txt');
