// npm test: build, then vitest with the type check beside it at the lowest CPU priority (the
// tests need the build, not the type check; on two cores vitest leaves about a tenth of the CPU
// idle while it waits on child processes, which the check fills instead of running first), then
// the plain summary line CI reads. Fails if the build, the type check or any test fails.
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
const typeCheck = process.platform === 'win32' ? run('npx', ['tsc', '--noEmit']) : run('nice', ['-n', '19', 'npx', 'tsc', '--noEmit']);
const tests = await run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=.vitest-results.json']);
const types = await typeCheck;
const summary = await run('node', ['scripts/test-summary.mjs', '.vitest-results.json']);
if (types !== 0) console.error(`type check failed (exit ${types})`);
process.exit(types || tests || summary ? 1 : 0);
