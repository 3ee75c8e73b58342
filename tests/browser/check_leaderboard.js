// The batch leaderboard in a real browser (Debian's chromium, headless, via playwright-core from
// tests/tools): `grader batch` grades two submissions (a copy of python/asyncio-streams and one
// that does nothing; the happy scenario only), then leaderboard.html is opened and checked:
//   - its one inline script runs under its CSP (a hash mismatch would be a console error and
//     leave the table unsortable): clicking the score header sorts, a second click reverses;
//   - best score first, a row per submission, each id linking to an existing report.html;
//   - no console error, no page error, no request but the page itself.
// A screenshot (leaderboard.png) and the batch's output are left in OUTDIR.
//
// usage: node check_leaderboard.js GRADER_EXE OUTDIR

'use strict';
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const source = path.resolve(__dirname, '..', '..');
const { chromium } = require(path.join(source, 'tests', 'tools', 'node_modules', 'playwright-core'));
const [grader, outdir] = process.argv.slice(2);

function batch(work) {
  const subs = path.join(work, 'subs');
  fs.cpSync(path.join(source, 'submissions/python/asyncio-streams'),
    path.join(subs, 'python/asyncio-streams'), { recursive: true });
  fs.mkdirSync(path.join(subs, 'shell/does-nothing'), { recursive: true });
  fs.writeFileSync(path.join(subs, 'shell/does-nothing/submission.yaml'),
    'language: shell\nrun: "true"\n');
  const out = path.join(outdir, 'leaderboard-batch');
  fs.rmSync(out, { recursive: true, force: true });
  const run = spawnSync(grader, ['batch', subs, '--out', out, '-j', '2', '--scenario', 'happy'],
    { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return out;
}

async function firstIds(page) {
  return page.$$eval('#leaderboard tbody tr', (rows) => rows.map((r) => r.cells[1].dataset.v));
}

async function main() {
  fs.mkdirSync(outdir, { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-leaderboard-'));
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-chromium-profile-'));
  const out = batch(work);
  const file = path.join(out, 'leaderboard.html');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, args: ['--headless', '--no-sandbox'],
    viewport: { width: 1100, height: 700 },
  });
  try {
    const page = await context.newPage();
    const problems = [];
    const url = pathToFileURL(file).href;
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (r) => { if (r.url() !== url) problems.push(`request: ${r.url()}`); });
    await page.goto(url, { waitUntil: 'load' });

    const best = ['python.asyncio-streams', 'shell.does-nothing'];
    assert.deepEqual(await firstIds(page), best);
    for (const href of await page.$$eval('#leaderboard a', (as) => as.map((a) => a.href))) {
      assert.ok(fs.existsSync(new URL(href)), `${href} exists`);
    }
    const score = page.locator('#leaderboard th', { hasText: /^score$/ });
    await score.click(); // descending first
    assert.deepEqual(await firstIds(page), best);
    await score.click(); // then ascending: the script ran
    assert.deepEqual(await firstIds(page), [...best].reverse());
    assert.equal(await score.getAttribute('data-dir'), 'asc');
    assert.equal(await page.locator('#pass-rates tbody tr').count() > 0, true);
    await page.screenshot({ path: path.join(outdir, 'leaderboard.png'), fullPage: true });
    assert.deepEqual(problems, [], 'console errors, page errors or requests');
    console.log(`ok: leaderboard -> ${file}`);
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
