// The support console in a real browser (issue 8): Debian's chromium driven by playwright-core,
// against the edge, broker and database that infra/run started (settings: .data/ocms.env, which
// infra/test exports). Exit code 0 = passed, 1 = failed; one line per step.
//
// Fixture, through the real system: a fresh notice (inserted as ocms_owner, as
// tests/support make_notices does), a TS applied to it through POST /v1/staff-apply-suspension,
// and a poison command for it (an unknown type, published with kcat) that the worker dead-letters.
// In the browser: a refused token sends the officer back to sign in; sign in; the notice's
// history shows the applied TS and the dead letter; the dead letter is previewed and redriven
// with a reason; a screenshot; then the API says the dead letter is REDRIVEN.
import {execFileSync} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {mkdirSync} from 'node:fs';
import {join} from 'node:path';
import {chromium} from 'playwright-core';

// ------------------------------------------------------------------------------ settings

function need(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`FAIL: ${name} is not set (run through infra/test, or: set -a; . .data/ocms.env; set +a)`);
    process.exit(1);
  }
  return v;
}
const EDGE = need('OCMS_EDGE_URL').replace(/\/$/, '');
const TOKEN = need('OCMS_DEV_TOKEN');
const BROKERS = need('OCMS_KAFKA_BROKERS');
const OWNER_PG = need('OCMS_OWNER_PG_URL');
const DATA = need('OCMS_DATA');
const CHROMIUM = process.env.OCMS_CHROMIUM || '/usr/bin/chromium';
const SHOTS = join(DATA, 'screenshots');
const WAIT_MS = Number(process.env.OCMS_BROWSER_WAIT_MS || 30000);

const t0 = Date.now();
const secs = () => ((Date.now() - t0) / 1000).toFixed(1);
const ok = (what) => console.log(`ok   ${secs().padStart(5)}s  ${what}`);
class Failure extends Error {}
const check = (cond, what) => {
  if (!cond) throw new Failure(what);
};

// ------------------------------------------------------------------------------ the API and the fixture

async function call(method, path, body, tok = TOKEN) {
  const res = await fetch(EDGE + path, {
    method,
    headers: {Authorization: `Bearer ${tok}`, 'Content-Type': 'application/json'},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const raw = await res.text();
  let json = null;
  try {
    json = JSON.parse(raw);
  } catch {
    json = null;
  }
  return {status: res.status, json, raw, type: res.headers.get('content-type') || ''};
}

async function poll(what, fn, ms = WAIT_MS) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Failure(`gave up after ${ms / 1000}s waiting for ${what}`);
}

// A notice of this run only: 'W' + 4 random letters/digits + 5 digits (10 characters).
function freshNotice() {
  const alnum = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
  const r = randomBytes(4);
  let no = 'W';
  for (const b of r) no += alnum[b % alnum.length];
  return `${no}00001`;
}

function psql(sql, vars) {
  const args = ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', OWNER_PG];
  for (const [k, v] of Object.entries(vars)) args.push('-v', `${k}=${v}`);
  execFileSync('psql', args, {input: sql, stdio: ['pipe', 'pipe', 'pipe']});
}

function makeNotice(no) {
  psql(`INSERT INTO ocms_valid_offence_notice (notice_no, vehicle_no, offence_notice_type, last_processing_stage,
          last_processing_date, amount_payable, amount_paid, cre_user_id)
        VALUES (:'no', 'SBA1234A', 'O', 'RD1', now(), 70.00, 0, 'browser-test');
        INSERT INTO eocms_valid_offence_notice (notice_no, vehicle_no, offence_notice_type, last_processing_stage,
          amount_payable, amount_paid, cre_user_id)
        VALUES (:'no', 'SBA1234A', 'O', 'RD1', 70.00, 0, 'browser-test');`, {no});
}

// A command envelope of a type no worker knows: the worker dead-letters it (reason unknown-type).
function publishPoison(no, commandId) {
  const envelope = {
    commandId, type: 'suspension.unknown', schemaVersion: 1, issuedAt: new Date().toISOString(),
    source: 'BROWSER-TEST', officer: 'browser-test', payload: {noticeNo: no},
  };
  execFileSync('kcat', ['-P', '-b', BROKERS, '-t', 'ocms.cmd.suspension', '-k', no, '-c', '1'],
    {input: `${JSON.stringify(envelope)}\n`, stdio: ['pipe', 'pipe', 'pipe']});
}

// ------------------------------------------------------------------------------ the test

async function fixture() {
  const page = await fetch(`${EDGE}/ops`);
  check(page.status === 200 && /text\/html/.test(page.headers.get('content-type') || ''),
    `GET /ops answers the page (got HTTP ${page.status}, ${page.headers.get('content-type')})`);
  const parked = await call('GET', '/ops/api/parked');
  check(parked.status === 200 && parked.json && Array.isArray(parked.json.notices),
    `GET /ops/api/parked answers {"notices":[...]} (got HTTP ${parked.status}: ${parked.raw.slice(0, 200)})`);
  ok('the edge serves /ops and /ops/api');

  const no = freshNotice();
  makeNotice(no);
  ok(`fresh notice ${no} (RD1)`);

  const ts = await call('POST', '/v1/staff-apply-suspension', {
    noticeNo: [no], suspensionType: 'TS', reasonOfSuspension: 'ACR',
    suspensionRemarks: 'browser test', officerAuthorisingSuspension: 'JOHNLEE',
  });
  check(ts.status === 200 || ts.status === 202, `TS applied through the API (got HTTP ${ts.status}: ${ts.raw.slice(0, 300)})`);
  const applied = await poll(`the TS of ${no} in its history`, async () => {
    const h = await call('GET', `/ops/api/history/${no}`);
    return h.status === 200 && h.json.events.find((e) => e.kind === 'command' && e.outcome === 'applied');
  });
  ok(`TS applied: history has command ${applied.commandId} (${applied.commandType}, ${applied.appCode || 'no code'})`);

  const poisonId = `browser-poison-${randomBytes(6).toString('hex')}`;
  publishPoison(no, poisonId);
  const dl = await poll(`dead letter of ${poisonId} in GET /ops/api/dead-letters?status=OPEN`, async () => {
    const r = await call('GET', '/ops/api/dead-letters?status=OPEN');
    return r.status === 200 && r.json.deadLetters.find((d) => d.commandId === poisonId);
  });
  ok(`poison command ${poisonId} dead-lettered: id ${dl.id} (${dl.reason}) at ${dl.sourceTopic} [${dl.sourcePartition}] @${dl.sourceOffset}`);
  return {no, applied, dl};
}

async function browse(browser, {no, applied, dl}) {
  const context = await browser.newContext({viewport: {width: 1440, height: 900}});
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  const errors = [];
  const foreign = [];
  const origin = new URL(EDGE).origin;
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // the browser logs every 4xx answer without its URL: those are checked below, with it
    if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) errors.push(`console error: ${m.text()}`);
  });
  page.on('response', (r) => {
    // the refused token's 401 is part of the test
    if (r.status() >= 400 && r.status() !== 401) errors.push(`HTTP ${r.status()} for ${r.request().method()} ${r.url()}`);
  });
  page.on('request', (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) foreign.push(r.url());
  });
  const byId = (id) => page.getByTestId(id);

  // sign in with a token the edge refuses: back to the sign-in screen with the edge's message
  await page.goto(`${EDGE}/ops`);
  await byId('screen-signin').waitFor({state: 'visible'});
  const [h, c] = TOKEN.split('.');
  await byId('signin-token').fill(`${h}.${c}.${Buffer.from('not the signature').toString('base64url')}`);
  await byId('signin-submit').click();
  await byId('screen-notice').waitFor({state: 'visible'});
  await byId('notice-search-input').fill(no);
  await byId('notice-search-submit').click();
  await byId('screen-signin').waitFor({state: 'visible'});
  const refused = await byId('message').textContent();
  check(/401/.test(refused), `a refused token shows HTTP 401 on the sign-in screen (shown: "${refused}")`);
  ok(`a refused token sends the officer back to sign in: "${refused}"`);

  // sign in for real: back to the notice that was asked for
  await byId('signin-token').fill(TOKEN);
  await byId('signin-submit').click();
  await byId('screen-notice').waitFor({state: 'visible'});
  await byId('history-table').waitFor({state: 'visible'});
  check(page.url().endsWith(`#/notice/${no}`), `after sign-in the page is back at the notice (url ${page.url()})`);
  ok('signed in with $OCMS_DEV_TOKEN');

  // the notice's history: the applied TS with its changes, and the dead letter
  await page.goto(`${EDGE}/ops#/notice`);
  await page.waitForFunction(() => !document.querySelector('[data-testid="history-table"]'));
  await byId('notice-search-input').fill(no.toLowerCase());
  await byId('notice-search-submit').click();
  const rows = page.getByTestId('history-row');
  await page.locator('[data-testid="history-row"][data-kind="dead-letter"]').first().waitFor();
  const commandRow = rows.filter({hasText: applied.commandId});
  check(await commandRow.count() >= 1, `history shows command ${applied.commandId}`);
  const rowText = await commandRow.first().innerText();
  check(/applied/.test(rowText), `the command's row says applied: ${rowText}`);
  check(await commandRow.first().getByTestId('history-changes').count() === 1,
    `the applied TS shows its changed fields (row: ${rowText.replace(/\s+/g, ' ')})`);
  check(/\bTS\b/.test(rowText), `the changes show the TS: ${rowText.replace(/\s+/g, ' ')}`);
  const state = await byId('notice-state').innerText();
  check(/TS/.test(state), `the notice's state shows the TS: ${state.replace(/\s+/g, ' ')}`);
  check(await byId('notice-parked-badge').count() === 0, 'the notice is not marked PARKED');
  ok(`history of ${no}: ${await rows.count()} rows, the applied TS (with changes) and the dead letter`);
  mkdirSync(SHOTS, {recursive: true});
  await page.screenshot({path: join(SHOTS, 'console-history.png'), fullPage: true});

  // dead letters: select the new one, preview, redrive with a reason
  await byId('nav-dead-letters').click();
  const row = page.locator(`[data-testid="dead-letter-row"][data-id="${dl.id}"]`);
  await row.waitFor();
  check(await byId('redrive-run').isDisabled(), 'Redrive is disabled while nothing is selected');
  await row.getByTestId('dead-letter-select').check();
  await byId('redrive-preview').click();
  const preview = page.locator('[data-testid="run-result"][data-dry-run="true"]');
  await preview.waitFor();
  const previewId = (await preview.getByTestId('run-id').textContent()).trim();
  const items = await preview.getByTestId('run-item').count();
  check(previewId !== '', 'the preview names its run id');
  check(await byId('redrive-run').isDisabled(), 'Redrive stays disabled without a reason');
  ok(`preview: dry run ${previewId}, ${items} item(s), would apply ${await preview.getByTestId('count-wouldApply').textContent()}`);

  await byId('redrive-reason').fill('browser test: redrive the poison command');
  check(await byId('redrive-run').isEnabled(), 'Redrive is enabled with a selection and a reason');
  await byId('redrive-run').click();
  const done = page.locator('[data-testid="run-result"][data-dry-run="false"]');
  await done.waitFor();
  const runId = (await done.getByTestId('run-id').textContent()).trim();
  check(runId !== '' && runId !== previewId, `the redrive names a run id of its own (${runId}, preview ${previewId})`);
  const published = (await done.getByTestId('count-published').textContent()).trim();
  ok(`redrive: run ${runId}, published ${published}; message: "${await byId('message').textContent()}"`);
  // the list was refreshed: the entry is no longer OPEN
  await row.waitFor({state: 'detached'});
  ok(`dead letter ${dl.id} left the OPEN list`);

  const shot = join(SHOTS, 'console.png');
  await page.screenshot({path: shot, fullPage: true});
  ok(`screenshot ${shot}`);

  // the other screens open without errors
  await byId('nav-parked').click();
  await page.locator('[data-testid="parked-notice"], [data-testid="parked-empty"]').first().waitFor();
  await byId('nav-replay').click();
  await byId('replay-topic').waitFor({state: 'visible'});
  ok('the parked and replay screens open');

  check(foreign.length === 0, `the page fetched only from ${origin}: ${foreign.join(', ')}`);
  check(errors.length === 0, `no script error and no failed request in the page: ${errors.join(' | ')}`);
  ok(`no request left ${origin}, no script error, no failed request`);
  await context.close();
  return runId;
}

async function main() {
  let browser;
  try {
    const fx = await fixture();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // as root; and no background traffic to Google's hosts on this closed network
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
    ok(`chromium ${browser.version()} (${CHROMIUM})`);
    const runId = await browse(browser, fx);

    const after = await poll(`dead letter ${fx.dl.id} REDRIVEN in the API`, async () => {
      const r = await call('GET', '/ops/api/dead-letters?status=REDRIVEN');
      return r.status === 200 && r.json.deadLetters.find((d) => String(d.id) === String(fx.dl.id));
    }, 5000);
    check(after.status === 'REDRIVEN', `dead letter ${fx.dl.id} is REDRIVEN`);
    ok(`API: dead letter ${fx.dl.id} is ${after.status} (run ${runId})`);
    console.log(`PASSED in ${secs()}s`);
    return 0;
  } catch (e) {
    console.log(`FAIL ${secs().padStart(5)}s  ${e instanceof Failure ? e.message : e.stack || e}`);
    if (e && e.stderr && e.stderr.length) console.log(String(e.stderr).trim());
    return 1;
  } finally {
    if (browser) await browser.close().catch(() => {});
  }
}

process.exitCode = await main();
