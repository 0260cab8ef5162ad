import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The HTML report opened in a real browser: Debian's chromium, started by the test. Where it is not installed the
// tests are skipped with this message, except in CI (.ci/run installs it), where its absence is a failure.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
if (!present && !process.env.CI) console.warn(`report browser tests SKIPPED: no chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);

const SECTIONS = ['problem', 'marginals', 'training', 'bounds', 'coupling', 'hedge', 'warnings'];
const vmot = (...args: string[]) => spawnSync(process.execPath, ['bin/vmot.js', ...args], { encoding: 'utf8' });
const csv = (file: string) => parse(readFileSync(file, 'utf8'), { columns: true, cast: true }) as Record<string, number | string>[];

interface PageCheck {
  errors: string[];
  sections: string[];
  charts: { id: string; painted: number; colours: number }[];
}

/** Opens a report, lets chart.js draw, and reads back every canvas: the share of painted pixels and how many colours. */
async function inspect(browser: Browser, html: string): Promise<PageCheck> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => !r.url().startsWith('file:') && errors.push(`network request ${r.url()}`));
  await page.goto(`file://${resolve(html)}`);
  await page.waitForFunction(() => Array.isArray((window as unknown as { vmotCharts?: unknown[] }).vmotCharts));
  const result = await page.evaluate(() => ({
    sections: [...document.querySelectorAll('section')].filter((s) => s.querySelector('h2')).map((s) => s.id),
    charts: [...document.querySelectorAll('canvas')].map((c) => {
      const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
      let painted = 0;
      const colours = new Set<number>();
      for (let k = 0; k < data.length; k += 4)
        if (data[k + 3] > 0) {
          painted += 1;
          colours.add((data[k] << 16) | (data[k + 1] << 8) | data[k + 2]);
        }
      return { id: c.id, painted: painted / (c.width * c.height), colours: colours.size };
    }),
  }));
  await page.close();
  return { errors, ...result };
}

describe.skipIf(!present && !process.env.CI)('the HTML report in headless Chromium', () => {
  let browser: Browser;
  const work = mkdtempSync(join(tmpdir(), 'vmot-report-'));
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => browser?.close());

  it('Gaussian d = 2, neural and LP with the hedge: every section, every chart drawn, no console error; the report of the folder is the same', async () => {
    const spec = JSON.parse(readFileSync('examples/gaussian-d2.json', 'utf8'));
    const problem = { ...spec, $schema: undefined, assets: ['SPX', 'NDX'], training: { seed: 7, steps: 300, batch: 1024, width: 16, depth: 2, evalSamples: 1 << 14 } };
    writeFileSync(join(work, 'g.json'), JSON.stringify(problem));
    const out = join(work, 'g');
    const r = vmot('bounds', join(work, 'g.json'), '--method', 'both', '--atoms', '8', '--hedge', join(out, 'hedge'), '--out', out, '--report', '--quiet');
    expect([0, 3]).toContain(r.status);
    expect(r.stdout).toMatch(/report: .*report\.html \(\d+ figures/);
    const page = await inspect(browser, join(out, 'report.html'));
    expect(page.errors).toEqual([]);
    expect(page.sections).toEqual(SECTIONS);
    // densities and CDFs of 2 assets, 2 convergence charts, 2 coupling maps per LP bound, 4 statics and 2 holdings per hedge
    expect(page.charts.length).toBe(4 + 2 + 4 + 12);
    for (const c of page.charts) {
      expect(c.painted, c.id).toBeGreaterThan(0.01);
      expect(c.colours, c.id).toBeGreaterThan(4);
    }
    // every chart also as PNG, and the same report again from the folder alone
    const figures = readFileSync(join(out, 'report.html'), 'utf8').match(/figures\/[\w-]+\.png/g)!;
    expect(figures.every((f) => existsSync(join(out, f)))).toBe(true);
    const first = readFileSync(join(out, 'report.html'), 'utf8');
    const again = vmot('report', out);
    expect(again.status).toBe(0);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toBe(first);
    // the tables as CSV: the bounds as in the results, the LP coupling a probability law with the marginals' means
    const bounds = csv(join(out, 'bounds.csv'));
    const neural = JSON.parse(readFileSync(join(out, 'neural-result.json'), 'utf8'));
    expect(bounds.find((b) => b.solver === 'neural' && b.side === 'upper')!.value).toBe(neural.upper.value);
    const coupling = csv(join(out, 'coupling-lp-upper.csv'));
    expect(Object.keys(coupling[0])).toEqual(['SPX_date0', 'NDX_date0', 'SPX_date1', 'NDX_date1', 'mass']);
    const total = coupling.reduce((s, p) => s + (p.mass as number), 0);
    expect(total).toBeCloseTo(1, 6);
    for (const col of ['SPX_date1', 'NDX_date1']) expect(Math.abs(coupling.reduce((s, p) => s + (p.mass as number) * (p[col] as number), 0))).toBeLessThan(1e-6);
    const trades = csv(join(out, 'trades.csv'));
    expect(new Set(trades.map((t) => t.instrument))).toEqual(new Set(['cash', 'forward', 'call', 'put']));
  }, 300_000);

  it('AMZN/AAPL from option quotes: the quotes, the fitted law and the repricing errors are drawn for each asset and date', async () => {
    cpSync('examples/amzn-aapl', join(work, 'q'), { recursive: true });
    const out = join(work, 'q-run');
    const r = vmot('bounds', join(work, 'q', 'portfolio-variance.json'), '--method', 'lp', '--atoms', '6', '--out', out, '--report', '--quiet');
    expect(r.status).toBe(0);
    const page = await inspect(browser, join(out, 'report.html'));
    expect(page.errors).toEqual([]);
    expect(page.sections).toEqual(SECTIONS);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    for (const name of ['AMZN', 'AAPL'])
      for (const t of [0, 1]) {
        const label = `${name}, date ${t} (&quot;call price at period ${t + 1}&quot;)`;
        expect(html.includes(label), label).toBe(true);
      }
    // 2 x (density, cdf) + 4 x (quotes, repricing) + 2 x 2 coupling maps; no trace (LP only), no hedge
    expect(page.charts.length).toBe(4 + 8 + 4);
    for (const c of page.charts) expect(c.painted, c.id).toBeGreaterThan(0.01);
  }, 300_000);

  it('vmot compare --report: every interval drawn as a bar on one price axis, the table and the meaning of the rows', async () => {
    const out = join(work, 'compare');
    const r = vmot('compare', 'examples/gaussian-d2.json', '--no-neural', '--atoms', '10', '--out', out, '--report', '--quiet');
    expect(r.status, r.stderr).toBe(0);
    const page = await inspect(browser, join(out, 'compare.html'));
    expect(page.errors).toEqual([]);
    expect(page.sections).toEqual(['compare-0', 'meaning']);
    expect(page.charts).toHaveLength(1);
    // bars in three colours (model-free, model, reference) on white: painted, and more than the axes' grey
    expect(page.charts[0].painted).toBeGreaterThan(0.03);
    expect(page.charts[0].colours).toBeGreaterThan(4);
    const rows = csv(join(out, 'compare.csv'));
    expect(rows.map((x) => x.row)).toContain('RMOT calibrated model');
  });

  it('vmot book run: book.html draws the ladder against the strike with its transport bounds, and lists every job of book.csv', async () => {
    const out = join(work, 'book');
    const book = join(work, 'book.json');
    const spec = JSON.parse(readFileSync('examples/book-basket-ladder.json', 'utf8'));
    writeFileSync(book, JSON.stringify({ ...spec, $schema: undefined, payoffs: [{ ...spec.payoffs[0], vary: { field: 'strike', values: [-1, 0, 1] } }], options: { lp: { atoms: 10 } } }));
    const r = vmot('book', 'run', book, '--out', out, '--quiet');
    expect(r.status, r.stderr).toBe(0);
    const page = await inspect(browser, join(out, 'book.html'));
    expect(page.errors).toEqual([]);
    expect(page.sections).toEqual(['book', 'family-0', 'rows']);
    expect(page.charts).toHaveLength(1);
    // two bound curves and two dashed transport curves on white
    expect(page.charts[0].painted).toBeGreaterThan(0.01);
    expect(page.charts[0].colours).toBeGreaterThan(4);
    const rows = csv(join(out, 'book.csv'));
    expect(rows.map((x) => `${x.payoff} ${x.side}`)).toEqual(['-1', '0', '1'].flatMap((k) => [`basket call strike=${k} upper`, `basket call strike=${k} lower`]));
    expect(rows.every((x) => x.status === 'done')).toBe(true);
  });

  it('a run folder without run.json, or with data files changed since the run, is refused with the reason', () => {
    const none = vmot('report', work);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/^vmot: error: run dir: .*run\.json does not exist: give a folder written by `vmot bounds`/);
    // one more blank line: the same quotes, another file (its SHA-256 is in the run's fingerprint)
    writeFileSync(join(work, 'q', 'AMZN_call_price.csv'), `${readFileSync(join(work, 'q', 'AMZN_call_price.csv'), 'utf8')}\n`);
    const changed = vmot('report', join(work, 'q-run'));
    expect(changed.status).toBe(2);
    expect(changed.stderr).toMatch(/the problem's data files changed since the run/);
  });
});
