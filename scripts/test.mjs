// npm test: build the JavaScript, then vitest with the type declarations and the type check
// beside it at lower CPU priority (the tests need the bundles, not the declarations or the type
// check; on two cores vitest leaves about a tenth of the CPU idle while it waits on child
// processes, which these fill instead of running first), then the plain summary line CI reads.
// The package test waits for the declarations it checks. Fails if the build, the declarations,
// the type check or any test fails.
import { spawn } from 'node:child_process';

const run = (cmd, args, env = process.env) =>
  new Promise((resolve) => {
    const c = spawn(cmd, args, { stdio: 'inherit', env });
    c.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    c.on('error', () => resolve(1));
  });

const build = await run('npm', ['run', 'build', '--silent'], { ...process.env, SGS_TSUP_DTS: 'skip' });
if (build !== 0) {
  console.error(`build failed (exit ${build})`);
  process.exit(1);
}
const niced = (priority, cmd, args, env) => (process.platform === 'win32' ? run(cmd, args, env) : run('nice', ['-n', String(priority), cmd, ...args], env));
// The declarations before the type check: the package test waits for them.
const declarations = niced(10, 'npx', ['tsup', '--silent'], { ...process.env, SGS_TSUP_DTS: 'only' });
const typeCheck = niced(19, 'npx', ['tsc', '--noEmit']);
const tests = await run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=.vitest-results.json']);
const dts = await declarations;
const types = await typeCheck;
const summary = await run('node', ['scripts/test-summary.mjs', '.vitest-results.json']);
if (dts !== 0) console.error(`type declarations failed (exit ${dts})`);
if (types !== 0) console.error(`type check failed (exit ${types})`);
process.exit(dts || types || tests || summary ? 1 : 0);
