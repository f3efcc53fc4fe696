// npm test: the build and the type check side by side (the tests need the build), then vitest,
// then the plain summary line CI reads. Fails if the build, the type check or any test fails.
// (The type check beside vitest instead was measured slower on two cores: vitest is CPU-bound.)
import { spawn } from 'node:child_process';

const run = (cmd, args) =>
  new Promise((resolve) => {
    const c = spawn(cmd, args, { stdio: 'inherit' });
    c.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    c.on('error', () => resolve(1));
  });

const [build, types] = await Promise.all([run('npm', ['run', 'build', '--silent']), run('npx', ['tsc', '--noEmit'])]);
if (build !== 0 || types !== 0) {
  if (build !== 0) console.error(`build failed (exit ${build})`);
  if (types !== 0) console.error(`type check failed (exit ${types})`);
  process.exit(1);
}
const tests = await run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=.vitest-results.json']);
const summary = await run('node', ['scripts/test-summary.mjs', '.vitest-results.json']);
process.exit(tests || summary ? 1 : 0);
