// Builds the optional native kernel (native/kernel.cc) with node-gyp against the Node.js headers already on this
// machine, never downloading them; without headers, a compiler or node-gyp it says so and the engine keeps its
// WebAssembly kernels (src/models/engines/wasm/kernels.ts). Run by `npm run build:native` and at install.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const candidates = [process.env.npm_config_nodedir, dirname(dirname(process.execPath))].filter(Boolean);
const nodedir = candidates.find((dir) => existsSync(join(dir, 'include', 'node', 'node_api.h')));
const skip = (why) => {
  console.log(`vmot: the native kernel was not built (${why}); the wasm engine runs its WebAssembly kernels`);
  process.exit(0);
};
if (!nodedir) skip(`no Node.js headers in ${candidates.join(' or ')}`);
const r = spawnSync('node-gyp', ['rebuild', '--silent', `--nodedir=${nodedir}`], { cwd: here, encoding: 'utf8' });
if (r.error) skip(`node-gyp: ${r.error.message}`);
if (r.status !== 0) skip(`node-gyp exited with status ${r.status}: ${`${r.stdout}${r.stderr}`.trim().split('\n').slice(-5).join(' | ')}`);
console.log(`vmot: built the native kernel (${join(here, 'build', 'Release', 'vmot_kernel.node')})`);
