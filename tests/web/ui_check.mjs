// Drives Debian's headless Chromium (playwright-core from coordinator/web)
// through every page of a running coordinator's web UI: waits for live
// numbers and drawn charts, fails on any console error, and writes a
// screenshot per page.   node ui_check.mjs <base-url> <screenshot-dir>
// With a third argument, only checks that the overview shows that problem
// above the page (the /ubaflow/health banner) and screenshots it.
import {createRequire} from 'node:module';
import {mkdirSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '../../coordinator/web/package.json'));
const {chromium} = require('playwright-core');
const [base, shots, expectedProblem] = process.argv.slice(2);
mkdirSync(shots, {recursive: true});

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({viewport: {width: 1400, height: 1000}});
const problems = [];
page.on('console', (m) => { if (m.type() === 'error') problems.push('console: ' + m.text()); });
page.on('pageerror', (e) => problems.push('page error: ' + e.message));

const positive = async (selector) => {
  await page.waitForFunction((s) => {
    const el = document.querySelector(s);
    return el && Number(el.textContent.replace(/,/g, '')) > 0;
  }, selector, {timeout: 20000});
};
/** A chart counts as drawn when ECharts holds data for it and its canvas
 *  is painted; screenshots wait for the first animation to end. */
const drawn = async (id) => {
  await page.waitForSelector(`#${id} canvas`, {timeout: 20000});
  await page.waitForFunction((i) => {
    const el = document.getElementById(i);
    const chart = window.echarts && echarts.getInstanceByDom(el);
    if (!chart) return false;
    const series = chart.getOption().series || [];
    const points = series.reduce((n, s) => n + (s.data ? s.data.length : 0), 0);
    const c = el.querySelector('canvas');
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let painted = 0;
    for (let p = 3; p < data.length; p += 16) if (data[p] > 0) painted++;
    return points > 0 && painted > 200;
  }, id, {timeout: 20000});
  await page.waitForTimeout(1200);
};
const text = async (needle) => page.waitForFunction(
  (n) => document.getElementById('main').textContent.includes(n), needle, {timeout: 20000});

const checks = {
  overview: async () => { await positive('#tm-count'); await positive('#running-jobs'); },
  job: async () => {
    await drawn('job-graph');
    await text('Window/Aggregate');
    // Live: the page polls; the footer's time moves on.
    const first = await page.textContent('#status');
    await page.waitForFunction((f) => document.getElementById('status').textContent !== f,
                               first, {timeout: 15000});
  },
  dashboard: async () => {
    for (const id of ['buys-per-hour', 'category-ranking', 'uv', 'buys-vs-uv', 'heatmap'])
      await drawn(id);
    await positive('#max-hourly');
    await positive('#latest-uv');
  },
  checkpoints: async () => { await positive('#checkpoints-completed'); await drawn('checkpoint-history'); },
  exceptions: async () => { await text('Exception history'); },
  taskmanagers: async () => {
    await text('worker-1');
    await text('Window/Aggregate #0 (key groups 0-');
    await text('(partitions ');
  },
  jobmanager: async () => { await text('job.key-groups'); },
};

const problemShown = async () => page.waitForFunction(
  (n) => { const b = document.getElementById('problems');
           return b && !b.hidden && b.textContent.includes(n); },
  expectedProblem, {timeout: 20000});
const selected = expectedProblem ? {problems: problemShown} : checks;

let failed = false;
for (const [name, check] of Object.entries(selected)) {
  try {
    await page.goto(`${base}/#/${expectedProblem ? 'overview' : name}`);
    await check();
    console.log(`ok   ${name}`);
  } catch (e) {
    failed = true;
    console.log(`FAIL ${name}: ${e.message.split('\n')[0]}`);
  }
  await page.screenshot({path: join(shots, `${name}.png`), fullPage: true});
}
await browser.close();
for (const p of problems) console.log('FAIL ' + p);
process.exit(failed || problems.length ? 1 : 0);
