// npm test: build, then the type check beside vitest (the tests need the build, not the type
// check, and on two cores the check fits in the gaps of the test run), then the plain summary
// line CI reads. Fails if the build, the type check or any test fails.
import { spawn } from 'node:child_process';

const run = (cmd, args) =>
  new Promise((resolve) => {
    const c = spawn(cmd, args, { stdio: 'inherit' });
    c.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    c.on('error', () => resolve(1));
  });

const build = await run('npm', ['run', 'build', '--silent']);
if (build !== 0) {
  console.error(`build failed (exit ${build})`);
  process.exit(1);
}
const [types, tests] = await Promise.all([
  run('npx', ['tsc', '--noEmit']),
  run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=.vitest-results.json']),
]);
const summary = await run('node', ['scripts/test-summary.mjs', '.vitest-results.json']);
if (types !== 0) console.error(`type check failed (exit ${types})`);
process.exit(types || tests || summary ? 1 : 0);
