// Throughput of a book of LP bounds (default 200 jobs: 100 strikes of a basket call, upper and lower, 12 atoms per
// marginal) in the embedded mode (one machine, --concurrency processes) and through BullMQ on a local redis-server with
// two `vmot worker` processes (one job at a time each): jobs per minute, the machine's load beside them, and whether
// both modes give the same numbers. Needs redis-server (Debian package) and a build (npm run build).
// Usage: npx tsx scripts/bench-book.ts [--strikes 100] [--atoms 12]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { strikes: { type: 'string', default: '100' }, atoms: { type: 'string', default: '12' } } });
const n = Number(values.strikes);
const dir = mkdtempSync(join(tmpdir(), 'vmot-bench-book-'));
const bookFile = join(dir, 'book.json');
writeFileSync(
  bookFile,
  JSON.stringify({
    name: 'bench',
    problem: {
      marginals: [
        [{ dist: 'normal', mean: 0, sd: 1.5488 }, { dist: 'normal', mean: 0, sd: 1.7152 }],
        [{ dist: 'normal', mean: 0, sd: 2.6028 }, { dist: 'normal', mean: 0, sd: 2.5449 }],
      ],
    },
    payoffs: [{ name: 'call', payoff: { type: 'basket-call', date: 1, weights: [0.5, 0.5], strike: 0 }, vary: { field: 'strike', values: Array.from({ length: n }, (_, k) => -3 + (6 * k) / (n - 1)) } }],
    solvers: ['lp'],
    options: { lp: { atoms: Number(values.atoms) } },
  }),
);
const jobs = 2 * n;
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

const run = (args: string[]) =>
  new Promise<{ seconds: number; values: number[] }>((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, ['bin/vmot.js', 'book', 'run', bookFile, '--json', '--quiet', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (b: Buffer) => (out += b.toString()));
    p.on('exit', (code) => {
      if (code !== 0 && code !== 3) return reject(new Error(`book run exited ${code}`));
      resolve({ seconds: (performance.now() - t0) / 1000, values: JSON.parse(out).rows.map((r: { value: number }) => r.value) });
    });
  });

const port = await new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = (s.address() as { port: number }).port;
    s.close(() => resolve(p));
  });
});

console.log(`machine: ${availableParallelism()} cores, ${cpus()[0]?.model}; load before ${load()}`);
console.log(`book: ${jobs} LP jobs (${n} strikes x upper, lower; ${values.atoms} atoms per marginal)`);
const loadEmbedded = load();
const embedded = await run(['--out', join(dir, 'embedded'), '--concurrency', '2']);
console.log(`embedded (2 processes):     ${embedded.seconds.toFixed(1)} s, ${((60 * jobs) / embedded.seconds).toFixed(0)} jobs/min (load at start ${loadEmbedded})`);

const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
const url = `redis://127.0.0.1:${port}`;
for (let k = 0; k < 100 && spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout?.trim() !== 'PONG'; k++) await new Promise((r) => setTimeout(r, 100));
const store = join(dir, 'queued', 'store');
const workers = [0, 1].map(() => spawn(process.execPath, ['bin/vmot.js', 'worker', '--queue', url, '--store', store], { stdio: 'ignore' }));
try {
  await new Promise((r) => setTimeout(r, 2000));
  const loadQueued = load();
  const queued = await run(['--queue', url, '--store', store, '--out', join(dir, 'queued')]);
  console.log(`BullMQ (2 workers x 1 job): ${queued.seconds.toFixed(1)} s, ${((60 * jobs) / queued.seconds).toFixed(0)} jobs/min (load at start ${loadQueued})`);
  console.log(`queued / embedded throughput: ${(embedded.seconds / queued.seconds).toFixed(2)}`);
  const diff = Math.max(...queued.values.map((v, k) => Math.abs(v - embedded.values[k])));
  console.log(`largest difference between the modes' values: ${diff}`);
} finally {
  for (const w of workers) w.kill('SIGTERM');
  await Promise.all(workers.map((w) => new Promise((r) => w.on('exit', r))));
  redis.kill('SIGTERM');
}
console.log(`load after ${load()}`);
