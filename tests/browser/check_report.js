// The HTML report in a real browser (Debian's chromium, driven headless by playwright-core
// from tests/tools). Grades three submissions (and self-checks one) with the real grader (loopback only: each run
// talks to its own mock API inside the sandbox), renders each saved result with
// `grader report --format html`, opens it and checks what a reviewer relies on:
//   - the verdict, a row per check, per scenario a timeline with a bar per journaled request,
//     the ideal window and the peak, the isolation section;
//   - a sequential submission reads as sequential and a concurrent one as full;
//   - a hostile submission's markup (<script>, "><img onerror>, </svg><svg onload>, a style
//     that hides the page) shows as text: no script of its ran, no element of its exists;
//   - no console error, no page error, no request but the page itself.
//   - a candidate's self-check counts the hidden scenarios and names none.
// Screenshots of every report (sequential.png and concurrent.png are the ones to look at) are
// left in OUTDIR with the pages.
//
// usage: node check_report.js GRADER_EXE OUTDIR

'use strict';

const assert = require('node:assert/strict');
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const source = path.resolve(__dirname, '..', '..');
const { chromium } = require(path.join(source, 'tests', 'tools', 'node_modules', 'playwright-core'));

const [grader, outdir] = process.argv.slice(2);
if (!grader || !outdir) {
  console.error('usage: node check_report.js GRADER_EXE OUTDIR');
  process.exit(2);
}

const cases = [
  { name: 'sequential', dir: 'tests/browser/fixtures/sequential-python',
    // One after another: the details' window is about the sum of their latencies. (Under load
    // the journal has been seen to overlap two neighbours by a hair: bounded(2).)
    scenarios: ['happy', 'detail-faults'],
    happy: (f) => /^(sequential|bounded\(2\))$/.test(f.classification) &&
      f.window_ms >= 0.8 * f.timed_details * f.ideal_full_ms },
  { name: 'concurrent', dir: 'submissions/node/fetch-promise-all',
    // All twelve at once, or nearly (Node on a loaded machine may send the last late).
    scenarios: ['happy', 'wide-fanout', 'detail-faults'],
    happy: (f) => /^(full|bounded\(\d+\))$/.test(f.classification) && f.peak_in_flight >= 8 },
  { name: 'hostile', dir: 'tests/browser/fixtures/hostile-markup',
    scenarios: ['happy'], hostile: true },
  // The candidate's self-check (every visible scenario): the hidden ones are counted, unnamed.
  { name: 'candidate', command: 'check', dir: 'submissions/node/fetch-promise-all',
    scenarios: [], candidate: true },
];

// grade (exit 0 or 1: passed or not), then the saved result rendered again by `report`.
function gradeAndRender(c, work) {
  const json = path.join(work, `${c.name}.json`);
  const direct = path.join(work, `${c.name}-direct.html`);
  const args = [c.command || 'grade', path.join(source, c.dir), '--json', json, '--format', 'html',
    '-o', direct];
  for (const s of c.scenarios) args.push('--scenario', s);
  const graded = spawnSync(grader, args, { encoding: 'utf8' });
  assert.ok(graded.status === 0 || graded.status === 1,
    `grade ${c.dir} exited ${graded.status}: ${graded.stderr}`);
  const html = path.join(outdir, `${c.name}.html`);
  execFileSync(grader, ['report', json, '--format', 'html', '-o', html]);
  assert.equal(fs.readFileSync(html, 'utf8'), fs.readFileSync(direct, 'utf8'),
    'a saved result re-renders to the same page');
  return { html, result: JSON.parse(fs.readFileSync(json, 'utf8')) };
}

async function open(context, file) {
  const page = await context.newPage();
  const problems = [];
  const url = pathToFileURL(file).href;
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('request', (r) => { if (r.url() !== url) problems.push(`request: ${r.url()}`); });
  await page.goto(url, { waitUntil: 'load' });
  return { page, problems };
}

async function checkStructure(page, result) {
  assert.match(await page.textContent('#verdict'), /score \d+(\.\d)? \/ \d+/);
  assert.equal(await page.locator('#checks tbody tr').count(), result.checks.length);
  assert.equal(await page.locator('#isolation').count(), 1);
  assert.equal(await page.locator('section.failure').count(),
    result.checks.filter((c) => !c.passed).length);
  for (const s of result.scenarios.filter((x) => x.ran)) {
    const section = page.locator(`section.scenario[data-scenario="${s.name}"]`);
    assert.equal(await section.count(), 1, `a section for ${s.name}`);
    const bars = Math.min(s.fanout.requests.length, 400);
    assert.equal(await section.locator('svg.timeline rect.req').count(), bars, `${s.name}'s bars`);
    if (s.fanout.timed_details > 0) {
      assert.equal(await section.locator('svg.timeline rect.ideal').count(), 1);
      assert.match(await section.locator('svg.timeline').textContent(),
        new RegExp(`peak ${s.fanout.peak_in_flight} in flight`));
    }
  }
}

// The happy scenario's fan-out is what the submission is (sequential, or concurrent), and the
// page says so first.
async function checkClassification(page, result, expected) {
  const happy = result.scenarios.find((s) => s.name === 'happy');
  assert.ok(expected(happy.fanout), `happy: ${JSON.stringify(happy.fanout.classification)}`);
  const text = await page.textContent('section.scenario[data-scenario="happy"] p.fanout');
  assert.ok(text.startsWith(`${happy.fanout.classification}: `), text);
  assert.ok(text.includes(`peak ${happy.fanout.peak_in_flight} in flight`), text);
}

async function checkHostile(page) {
  assert.equal(await page.evaluate(() => window.__pwned), undefined, 'no candidate script ran');
  assert.equal(await page.locator('script, img, style:not(head > style), a, iframe').count(), 0);
  assert.equal(await page.locator('[onerror], [onload], svg svg').count(), 0);
  assert.equal(await page.locator('head > style').count(), 1);
  const stdout = await page.textContent('section.scenario[data-scenario="happy"] pre.stdout');
  assert.ok(stdout.includes('<script>window.__pwned=1</script>"><img src=x onerror='), stdout);
  assert.ok(await page.isVisible('#verdict'), 'the candidate\'s style did not hide the page');
  // The crash finding quotes the source line, marked, as text.
  const hit = await page.textContent('section.failure table.excerpt tr.hit');
  assert.ok(hit.includes('<script>window.__pwned=6</script>'), hit);
}

async function checkCandidate(page, result) {
  assert.equal(result.mode, 'check');
  assert.ok(result.hidden_scenarios_not_run > 0);
  const note = await page.textContent('#hidden-scenarios');
  assert.ok(note.startsWith(`${result.hidden_scenarios_not_run} hidden scenario`), note);
  const text = await page.textContent('body');
  for (const name of ['odd-casing', 'empty-list', 'rate-limited']) {
    assert.ok(!text.includes(name), `the candidate's page names hidden scenario ${name}`);
  }
}

async function main() {
  fs.mkdirSync(outdir, { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-browser-'));
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-chromium-profile-'));
  const rendered = cases.map((c) => ({ c, ...gradeAndRender(c, work) }));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, args: ['--headless', '--no-sandbox'],
    viewport: { width: 1100, height: 900 },
  });
  try {
    for (const { c, html, result } of rendered) {
      const { page, problems } = await open(context, html);
      await checkStructure(page, result);
      if (c.happy) await checkClassification(page, result, c.happy);
      if (c.hostile) await checkHostile(page);
      if (c.candidate) await checkCandidate(page, result);
      await page.screenshot({ path: path.join(outdir, `${c.name}.png`), fullPage: true });
      assert.deepEqual(problems, [], `${c.name}: console errors, page errors or requests`);
      console.log(`ok: ${c.name} (${result.checks.length} checks) -> ${html}`);
    }
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
