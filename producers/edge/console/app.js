// The OCMS support console (issue 8): one page, five screens chosen by the URL's hash
// (#/signin, #/notice/<no>, #/dead-letters, #/parked, #/replay), talking to the edge's
// /ops/api routes with the signed-in officer's token.
//
// Rules this file keeps:
// - Data from the API reaches the DOM only as text (el() and textContent); never innerHTML.
// - Every call sends "Authorization: Bearer <token>"; a 401 or 403 signs out and shows why.
// - The token lives in sessionStorage: it is gone when the tab closes.
// - Same origin only: no URL outside /ops.
'use strict';

(() => {
  const API = '/ops/api';
  const TOKEN_KEY = 'ocms.ops.token';

  // ------------------------------------------------------------------------------ DOM helpers

  const $ = (id) => document.getElementById(id);

  // el('td', {className: 'mono', dataset: {testid: 'x'}}, 'text', childNode, ...): children are
  // nodes or strings (as text); null/undefined/false children are skipped.
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'dataset') Object.assign(node.dataset, value);
      else if (key === 'on') for (const [ev, fn] of Object.entries(value)) node.addEventListener(ev, fn);
      else if (key in node && typeof value !== 'string') node[key] = value;
      else if (key === 'className' || key === 'textContent' || key === 'value' || key === 'type') node[key] = value;
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  const text = (v) => (v === undefined || v === null ? '' : String(v));
  const badge = (label, kind, testid) => el('span', {className: `badge ${kind || ''}`, dataset: testid ? {testid} : undefined}, label);

  // "2026-11-01T10:00:00.123+08:00" -> "2026-11-01 10:00:00.123+08:00": the server's own time, easier to read
  const when = (iso) => text(iso).replace('T', ' ');

  // A value from JSON for a table cell: null -> "null", objects as JSON, the rest as is.
  function show(v) {
    if (v === null) return 'null';
    if (v === undefined) return '';
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
  }

  function table(headers, rows, testid) {
    return el('div', {className: 'overflow-auto'},
      el('table', {className: 'striped', dataset: testid ? {testid} : undefined},
        el('thead', null, el('tr', null, headers.map((h) => el('th', {scope: 'col'}, h)))),
        el('tbody', null, rows)));
  }

  function busy(button, on) {
    button.disabled = on;
    if (on) button.setAttribute('aria-busy', 'true');
    else button.removeAttribute('aria-busy');
  }

  // ------------------------------------------------------------------------------ messages

  const message = $('message');
  function say(textLine, kind) {
    message.textContent = textLine;
    message.className = `message ${kind || 'info'}`;
    message.hidden = !textLine;
  }
  const sayError = (err) => say(err instanceof ApiError ? err.describe() : `Error: ${err.message || err}`, 'error');
  const clearMessage = () => say('', 'info');

  // ------------------------------------------------------------------------------ token

  const token = {
    get: () => sessionStorage.getItem(TOKEN_KEY) || '',
    set: (t) => sessionStorage.setItem(TOKEN_KEY, t),
    clear: () => sessionStorage.removeItem(TOKEN_KEY),
  };

  // The token's claims, or null: only to greet the officer and catch an obvious mistake early.
  // The edge checks the signature, the expiry and the role on every call.
  function claims(jwt) {
    const parts = jwt.split('.');
    if (parts.length !== 3) return null;
    try {
      const b64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
      const json = new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
      const c = JSON.parse(json);
      return c && typeof c === 'object' ? c : null;
    } catch {
      return null;
    }
  }

  // ------------------------------------------------------------------------------ API

  class ApiError extends Error {
    constructor(status, appCode, msg) {
      super(msg);
      this.status = status;
      this.appCode = appCode;
    }
    describe() {
      const where = this.status ? `HTTP ${this.status}` : 'no answer';
      return `${this.appCode ? this.appCode + ': ' : ''}${this.message} (${where})`;
    }
  }

  // api('GET', '/parked') -> the answer's JSON. Errors: ApiError with the envelope's
  // {"data":{"appCode","message"}}; a 401/403 also signs out and shows the sign-in screen.
  async function api(method, path, body) {
    const jwt = token.get();
    if (!jwt) {
      signOut('Sign in first.');
      throw new ApiError(401, '', 'Not signed in');
    }
    const headers = {Authorization: `Bearer ${jwt}`, Accept: 'application/json'};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res;
    try {
      res = await fetch(API + path, {
        method, headers, cache: 'no-store', credentials: 'omit',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new ApiError(0, '', `The edge did not answer: ${e.message}`);
    }
    const raw = await res.text();
    let data = null;
    try {
      data = raw ? JSON.parse(raw) : null;
    } catch {
      data = null;
    }
    const env = data && typeof data === 'object' && data.data && typeof data.data === 'object' ? data.data : {};
    if (res.status === 401 || res.status === 403) {
      const err = new ApiError(res.status, text(env.appCode),
        text(env.message) || (res.status === 401 ? 'The token was refused' : 'The token lacks the role OPS'));
      signOut(err.describe());
      err.handled = true;
      throw err;
    }
    if (!res.ok) throw new ApiError(res.status, text(env.appCode), text(env.message) || res.statusText || 'Request failed');
    if (data === null || typeof data !== 'object') throw new ApiError(res.status, '', 'The answer is not JSON');
    return data;
  }

  // Shows an error unless api() already sent the officer to the sign-in screen with it.
  function fail(err) {
    if (!err.handled) sayError(err);
  }

  // ------------------------------------------------------------------------------ routing

  const screens = ['signin', 'notice', 'dead-letters', 'parked', 'replay'];
  let returnTo = '';

  function parseHash() {
    const [name, ...rest] = location.hash.replace(/^#\/?/, '').split('/');
    let arg = '';
    try {
      arg = decodeURIComponent(rest.join('/'));
    } catch {
      arg = '';
    }
    return {name: screens.includes(name) ? name : 'notice', arg};
  }

  function showScreen(name) {
    for (const s of screens) $(`screen-${s}`).hidden = s !== name;
    for (const a of document.querySelectorAll('[data-nav]')) {
      if (a.dataset.nav === name) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    const signedIn = Boolean(token.get());
    $('nav').hidden = !signedIn;
    const c = signedIn ? claims(token.get()) : null;
    $('who').textContent = c && c.sub ? `signed in as ${c.sub}` : '';
  }

  let lastRoute = '';
  function route() {
    const {name, arg} = parseHash();
    if (!token.get() && name !== 'signin') {
      returnTo = location.hash;
      location.hash = '#/signin';
      return;
    }
    const key = `${name}/${arg}`;
    if (key !== lastRoute && name !== 'signin') clearMessage();
    lastRoute = key;
    showScreen(name);
    if (name === 'signin') $('signin-token').focus();
    else if (name === 'notice') openNotice(arg);
    else if (name === 'dead-letters') loadDeadLetters();
    else if (name === 'parked') loadParked();
  }

  function signOut(why) {
    token.clear();
    if (location.hash !== '#/signin') {
      if (!returnTo && !location.hash.startsWith('#/signin')) returnTo = location.hash;
      location.hash = '#/signin';
    }
    showScreen('signin');
    say(why || '', why ? 'error' : 'info');
  }

  // ------------------------------------------------------------------------------ 1. sign in

  $('signin-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const jwt = $('signin-token').value.trim().replace(/^Bearer\s+/i, '');
    const c = claims(jwt);
    if (!c) return say('That is not a JWT (three base64url parts separated by dots).', 'error');
    if (typeof c.exp === 'number' && c.exp * 1000 < Date.now()) return say('This token has expired: ask for a new one.', 'error');
    if (Array.isArray(c.roles) && !c.roles.includes('OPS')) return say('This token lacks the role OPS.', 'error');
    token.set(jwt);
    $('signin-token').value = '';
    clearMessage();
    const target = returnTo && !returnTo.startsWith('#/signin') ? returnTo : '#/notice';
    returnTo = '';
    location.hash = target;
  });

  $('sign-out').addEventListener('click', () => {
    returnTo = '';
    signOut('');
    say('Signed out.', 'info');
  });

  // ------------------------------------------------------------------------------ 2. notice history

  const NOTICE_FIELDS = [
    ['vehicle_no', 'Vehicle'],
    ['offence_notice_type', 'Type'],
    ['last_processing_stage', 'Stage'],
    ['last_processing_date', 'Stage since'],
    ['next_processing_stage', 'Next stage'],
    ['next_processing_date', 'Next stage on'],
    ['suspension_type', 'Suspension'],
    ['epr_reason_of_suspension', 'EPR reason'],
    ['crs_reason_of_suspension', 'CRS reason'],
    ['due_date_of_revival', 'Revival due'],
    ['amount_payable', 'Amount payable'],
    ['amount_paid', 'Amount paid'],
    ['payment_status', 'Payment status'],
    ['upd_date', 'Updated'],
    ['upd_user_id', 'Updated by'],
  ];
  const TIME_FIELDS = new Set(['last_processing_date', 'next_processing_date', 'due_date_of_revival', 'upd_date',
    'cre_date', 'prev_processing_date', 'epr_date_of_suspension', 'crs_date_of_suspension']);

  $('notice-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const no = $('notice-no').value.trim().toUpperCase();
    if (!no) return;
    const target = `#/notice/${encodeURIComponent(no)}`;
    if (location.hash === target) openNotice(no);
    else location.hash = target;
  });

  let noticeSeq = 0;
  async function openNotice(no) {
    const out = $('notice-result');
    if (!no) {
      out.replaceChildren();
      $('notice-no').focus();
      return;
    }
    $('notice-no').value = no;
    const seq = ++noticeSeq;
    const button = document.querySelector('[data-testid="notice-search-submit"]');
    busy(button, true);
    out.replaceChildren(el('p', {'aria-busy': 'true'}, `Loading the history of ${no} ...`));
    try {
      const h = await api('GET', `/history/${encodeURIComponent(no)}`);
      if (seq === noticeSeq) out.replaceChildren(renderHistory(h));
    } catch (err) {
      if (seq === noticeSeq) out.replaceChildren();
      fail(err);
    } finally {
      if (seq === noticeSeq) busy(button, false);
    }
  }

  function renderHistory(h) {
    const n = h.notice && typeof h.notice === 'object' ? h.notice : null;
    const events = Array.isArray(h.events) ? h.events.slice() : [];
    // oldest first (the edge sends them so; a stable sort keeps its order for equal times)
    events.sort((a, b) => (Date.parse(a.at) || 0) - (Date.parse(b.at) || 0));

    const head = el('hgroup', null,
      el('h1', null, `Notice ${text(h.noticeNo)} `,
        h.parked ? badge('PARKED', 'warn', 'notice-parked-badge') : null,
        n && n.suspension_type ? badge(`${n.suspension_type} suspended`, 'info') : null),
      el('p', null, n ? `Stage ${text(n.last_processing_stage)}, ${events.length} event(s)` :
        `Not in the notice table (VON); ${events.length} event(s)`));

    let state = null;
    if (n) {
      state = el('article', {className: 'state', dataset: {testid: 'notice-state'}},
        el('dl', null, NOTICE_FIELDS.filter(([k]) => k in n).map(([k, label]) => [
          el('dt', null, label),
          el('dd', {dataset: {field: k}}, n[k] === null || n[k] === '' ? '\u2014' : TIME_FIELDS.has(k) ? when(n[k]) : show(n[k])),
        ])),
        el('details', null,
          el('summary', null, 'All fields'),
          table(['Field', 'Value'], Object.keys(n).sort().map((k) =>
            el('tr', null, el('td', {className: 'mono'}, k), el('td', null, show(n[k])))))));
    }

    const rows = events.map(renderEvent);
    return el('div', null,
      head,
      state,
      h.truncated ? el('p', {className: 'message warn', dataset: {testid: 'history-truncated'}},
        `Only the first ${events.length} events are shown.`) : null,
      el('h2', null, 'History ', el('small', null, '(oldest first)')),
      events.length ? table(['Time', 'Kind', 'Command', 'Type', 'Outcome', 'App code', 'Message', 'By', 'Changes'],
        rows, 'history-table') : el('p', {dataset: {testid: 'history-empty'}}, 'Nothing has happened to this notice yet.'));
  }

  function renderEvent(e) {
    const kind = text(e.kind);
    const replay = e.replayOf && typeof e.replayOf === 'object' ? e.replayOf : null;
    const where = e.topic ? `${e.topic} [${text(e.partition)}] @${text(e.offset)}` : '';
    let type = text(e.commandType);
    let outcome = text(e.outcome);
    let msg = text(e.message);
    let by = [text(e.officer), text(e.source)].filter(Boolean).join(' / ');
    if (kind === 'dead-letter') {
      outcome = text(e.status);
      msg = [text(e.reason), text(e.error)].filter(Boolean).join(': ');
    } else if (kind === 'support') {
      type = text(e.action);
      msg = text(e.reason);
      by = text(e.operator);
    }
    return el('tr', {className: replay ? 'replayed' : '', dataset: {testid: 'history-row', kind}},
      el('td', {className: 'nowrap'}, when(e.at)),
      el('td', null, badge(kind, `kind-${kind}`),
        replay ? [' ', badge('replay', 'info', 'history-replay'),
          el('div', null, el('small', null, `of ${text(replay.topic)} [${text(replay.partition)}] @${text(replay.offset)}`))] : null),
      el('td', {className: 'mono'}, text(e.commandId),
        e.deadLetterId !== undefined && e.deadLetterId !== null ? el('div', null, el('small', null, `dead letter #${e.deadLetterId}`)) : null,
        where ? el('div', null, el('small', null, where)) : null,
        e.requestId ? el('div', null, el('small', null, `request ${e.requestId}`)) : null),
      el('td', null, type),
      el('td', null, outcome ? badge(outcome, `outcome-${outcome.toLowerCase()}`) : ''),
      el('td', {className: 'mono'}, text(e.appCode)),
      el('td', {className: 'wrap'}, msg),
      el('td', null, by),
      el('td', null, renderChanges(e.changes)));
  }

  function renderChanges(changes) {
    if (!changes || typeof changes !== 'object') return '';
    const fields = Object.keys(changes);
    if (!fields.length) return '';
    return el('ul', {className: 'changes', dataset: {testid: 'history-changes'}}, fields.map((f) => {
      const c = changes[f] && typeof changes[f] === 'object' ? changes[f] : {};
      return el('li', null, el('span', {className: 'mono'}, f), ': ',
        el('del', null, show(c.before)), ' \u2192 ', el('ins', null, show(c.after)));
    }));
  }

  // ------------------------------------------------------------------------------ 3. dead letters

  const selected = new Set();

  function updateSelection() {
    $('dl-selected').textContent = `${selected.size} selected`;
    $('dl-preview').disabled = selected.size === 0;
    $('dl-run').disabled = selected.size === 0 || $('dl-reason').value.trim().length < 3;
  }

  $('dl-filter').addEventListener('submit', (ev) => {
    ev.preventDefault();
    loadDeadLetters();
  });
  $('dl-reason').addEventListener('input', updateSelection);

  async function loadDeadLetters() {
    const out = $('dl-list');
    const status = $('dl-status').value;
    const button = document.querySelector('[data-testid="dead-letter-refresh"]');
    busy(button, true);
    try {
      const r = await api('GET', `/dead-letters${status ? `?status=${encodeURIComponent(status)}` : ''}`);
      const list = Array.isArray(r.deadLetters) ? r.deadLetters : [];
      const ids = new Set(list.map((d) => String(d.id)));
      for (const id of [...selected]) if (!ids.has(id)) selected.delete(id);
      out.replaceChildren(renderDeadLetters(list));
    } catch (err) {
      fail(err);
    } finally {
      busy(button, false);
      updateSelection();
    }
  }

  function renderDeadLetters(list) {
    if (!list.length) return el('p', {dataset: {testid: 'dead-letter-empty'}}, 'No dead letters with this status.');
    const boxes = [];
    const all = el('input', {type: 'checkbox', 'aria-label': 'Select all', dataset: {testid: 'dead-letter-select-all'}});
    all.addEventListener('change', () => {
      for (const b of boxes) {
        b.checked = all.checked;
        if (all.checked) selected.add(b.value);
        else selected.delete(b.value);
      }
      updateSelection();
    });
    const rows = list.map((d) => {
      const id = String(d.id);
      const box = el('input', {type: 'checkbox', value: id, 'aria-label': `Select dead letter ${id}`,
        dataset: {testid: 'dead-letter-select'}});
      box.checked = selected.has(id);
      box.addEventListener('change', () => {
        if (box.checked) selected.add(id);
        else selected.delete(id);
        all.checked = boxes.every((b) => b.checked);
        updateSelection();
      });
      boxes.push(box);
      return el('tr', {dataset: {testid: 'dead-letter-row', id}},
        el('td', null, box),
        el('td', {className: 'mono'}, id),
        el('td', {className: 'nowrap'}, when(d.deadLetteredAt)),
        el('td', {className: 'mono'}, d.noticeNo ? el('a', {href: `#/notice/${encodeURIComponent(d.noticeNo)}`}, text(d.noticeNo)) : ''),
        el('td', null, text(d.commandType), el('div', null, el('small', {className: 'mono'}, text(d.commandId)))),
        el('td', null, text(d.reason)),
        el('td', {className: 'wrap'}, text(d.error)),
        el('td', {className: 'nowrap mono'}, `${text(d.sourceTopic)} [${text(d.sourcePartition)}] @${text(d.sourceOffset)}`),
        el('td', null, badge(text(d.status), `status-${text(d.status).toLowerCase()}`)));
    });
    all.checked = boxes.length > 0 && boxes.every((b) => b.checked);
    return table([all, 'Id', 'Dead-lettered', 'Notice', 'Type / command', 'Reason', 'Error', 'Source', 'Status'],
      rows, 'dead-letter-table');
  }

  async function redrive(dryRun) {
    const ids = [...selected].map(Number).sort((a, b) => a - b);
    const reason = $('dl-reason').value.trim();
    if (!ids.length) return say('Select at least one dead letter.', 'error');
    if (!dryRun && reason.length < 3) return say('A redrive needs a reason (3 characters at least): it is recorded with the run.', 'error');
    const button = $(dryRun ? 'dl-preview' : 'dl-run');
    busy(button, true);
    try {
      // a preview is recorded too: without a reason of its own it says it was one
      const r = await api('POST', '/redrive', {deadLetterIds: ids, reason: reason.length >= 3 ? reason : 'preview', dryRun});
      $('dl-run-result').replaceChildren(renderRun(r, dryRun ? 'Redrive preview' : 'Redrive'));
      if (dryRun) {
        say(`Preview: ${count(r, 'wouldApply')} would be applied again, nothing was published.`, 'info');
      } else {
        say(`Redrive run ${text(r.runId)}: ${count(r, 'published')} published.`, 'ok');
        selected.clear();
        $('dl-reason').value = '';
        await loadDeadLetters();
      }
    } catch (err) {
      fail(err);
    } finally {
      busy(button, false);
      updateSelection();
    }
  }
  $('dl-preview').addEventListener('click', () => redrive(true));
  $('dl-run').addEventListener('click', () => redrive(false));

  // ------------------------------------------------------------------------------ runs (redrive, replay)

  const COUNTS = [
    ['read', 'Read'], ['matched', 'Matched'], ['wouldApply', 'Would apply'], ['inboxAnswers', 'Inbox answers'],
    ['published', 'Published'], ['skipped', 'Skipped'],
  ];
  const count = (r, k) => (r && r.counts && r.counts[k] !== undefined ? r.counts[k] : 0);

  function renderRun(r, title) {
    const items = Array.isArray(r.items) ? r.items : [];
    return el('article', {className: 'run', dataset: {testid: 'run-result', dryRun: String(Boolean(r.dryRun))}},
      el('header', null,
        el('strong', null, `${title} `),
        r.dryRun ? badge('dry run', 'info', 'run-dry') : badge('done', 'ok'),
        ' run id ', el('span', {className: 'mono', dataset: {testid: 'run-id'}}, text(r.runId))),
      el('dl', {className: 'counts'}, COUNTS.map(([k, label]) => [
        el('dt', null, label), el('dd', {dataset: {testid: `count-${k}`}}, text(count(r, k)))])),
      items.length ? table(['Topic', 'Partition', 'Offset', 'Key', 'Command', 'Type', 'Action'], items.map((i) =>
        el('tr', {dataset: {testid: 'run-item'}},
          el('td', null, text(i.topic)), el('td', null, text(i.partition)), el('td', null, text(i.offset)),
          el('td', {className: 'mono'}, text(i.key)),
          el('td', {className: 'mono'}, text(i.commandId),
            i.deadLetterId !== undefined ? el('div', null, el('small', null, `dead letter #${text(i.deadLetterId)}`)) : null),
          el('td', null, text(i.type)), el('td', null, badge(text(i.action), `action-${text(i.action)}`)))),
      'run-items') : el('p', null, 'No message matched.'),
      r.itemsTruncated ? el('p', {className: 'message warn'}, `Only the first ${items.length} items are listed; the counts cover all.`) : null);
  }

  // ------------------------------------------------------------------------------ 4. parked notices

  $('parked-refresh').addEventListener('click', loadParked);

  async function loadParked() {
    const out = $('parked-list');
    const button = $('parked-refresh');
    busy(button, true);
    try {
      const r = await api('GET', '/parked');
      const list = Array.isArray(r.notices) ? r.notices : [];
      out.replaceChildren(list.length ? el('div', null, list.map(renderParked)) :
        el('p', {dataset: {testid: 'parked-empty'}}, 'No notice is parked.'));
    } catch (err) {
      fail(err);
    } finally {
      busy(button, false);
    }
  }

  function renderParked(p) {
    const reason = el('input', {type: 'text', minlength: '3', maxlength: '500', placeholder: 'Reason (recorded)',
      'aria-label': `Reason for ${text(p.noticeNo)}`, dataset: {testid: 'parked-reason'}});
    const needReason = () => {
      const r = reason.value.trim();
      if (r.length < 3) {
        say('Give a reason first (3 characters at least): it is recorded with the action.', 'error');
        reason.focus();
      }
      return r;
    };
    const retry = el('button', {type: 'button', dataset: {testid: 'parked-retry'}}, 'Retry in order');
    retry.addEventListener('click', async () => {
      const r = needReason();
      if (!r) return;
      busy(retry, true);
      try {
        await api('POST', '/parked/retry', {noticeNo: p.noticeNo, reason: r});
        say(`Retry of ${text(p.noticeNo)} requested: the workers apply its commands in order within seconds.`, 'ok');
        await loadParked();
      } catch (err) {
        fail(err);
      } finally {
        busy(retry, false);
      }
    });
    const commands = Array.isArray(p.commands) ? p.commands : [];
    const rows = commands.map((c) => {
      const discard = el('button', {type: 'button', className: 'secondary outline small', dataset: {testid: 'parked-discard'}}, 'Discard');
      discard.addEventListener('click', async () => {
        const r = needReason();
        if (!r) return;
        if (!window.confirm(`Discard command ${text(c.commandId)} of ${text(p.noticeNo)} for good?`)) return;
        busy(discard, true);
        try {
          await api('POST', '/parked/discard', {commandId: c.commandId, reason: r});
          say(`Command ${text(c.commandId)} discarded.`, 'ok');
          await loadParked();
        } catch (err) {
          fail(err);
        } finally {
          busy(discard, false);
        }
      });
      return el('tr', {dataset: {testid: 'parked-command'}},
        el('td', null, text(c.parkedId)),
        el('td', {className: 'mono'}, text(c.commandId)),
        el('td', null, text(c.commandType)),
        el('td', {className: 'wrap'}, text(c.reason)),
        el('td', null, badge(text(c.status), 'warn')),
        el('td', {className: 'nowrap'}, when(c.parkedAt)),
        el('td', null, discard));
    });
    const facts = [
      ['Parked at', when(p.parkedAt)], ['Why', text(p.reason)], ['First command', text(p.firstCommandId)],
      ['Retry requested', p.retryRequestedAt ? `${when(p.retryRequestedAt)} by ${text(p.retryRequestedBy)}` : ''],
      ['Last retry', p.lastRetryAt ? when(p.lastRetryAt) : ''], ['Last retry error', text(p.lastRetryError)],
    ].filter(([, v]) => v);
    return el('article', {dataset: {testid: 'parked-notice', noticeNo: text(p.noticeNo)}},
      el('header', null,
        el('strong', null, el('a', {href: `#/notice/${encodeURIComponent(text(p.noticeNo))}`}, text(p.noticeNo))), ' ',
        badge('PARKED', 'warn'), ` ${commands.length} command(s) waiting`),
      el('dl', {className: 'facts'}, facts.map(([k, v]) => [el('dt', null, k), el('dd', null, v)])),
      commands.length ? table(['#', 'Command', 'Type', 'Reason', 'Status', 'Parked at', ''], rows, 'parked-commands') : null,
      el('footer', null, el('fieldset', {role: 'group'}, reason, retry)));
  }

  // ------------------------------------------------------------------------------ 5. replay

  const replayForm = $('replay-form');
  let previewed = '';  // the request (as JSON, without dryRun) of the last successful preview

  function syncRange() {
    const byTime = replayForm.elements.range.value === 'time';
    $('replay-offsets').hidden = byTime;
    $('replay-times').hidden = !byTime;
  }

  // The form as the edge's replay request (without dryRun); throws Error with what to fix.
  function replayRequest() {
    const f = replayForm.elements;
    const req = {topic: f.topic.value};
    const parts = f.partitions.value.trim();
    if (parts) {
      if (!/^\d+(\s*,\s*\d+)*$/.test(parts)) throw new Error('Partitions: numbers separated by commas.');
      req.partitions = [...new Set(parts.split(',').map((s) => Number(s.trim())))];
    }
    if (f.range.value === 'time') {
      // datetime-local gives "2026-11-01T10:00" or "...T10:00:30": Singapore time (UTC+8, no DST),
      // sent with its offset so the browser's own zone never matters
      for (const name of ['fromTime', 'toTime']) {
        const v = f[name].value;
        if (!v) continue;
        const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2})?/.exec(v);
        if (!m) throw new Error(`${name}: not a time.`);
        req[name] = `${m[1]}${m[2] || ':00'}+08:00`;
      }
      if (req.fromTime && req.toTime && req.fromTime > req.toTime) throw new Error('From is after To.');
    } else {
      for (const name of ['fromOffset', 'toOffset']) {
        const v = f[name].value.trim();
        if (!v) continue;
        if (!/^\d+$/.test(v)) throw new Error(`${name}: a whole number.`);
        req[name] = Number(v);
      }
      if (req.fromOffset !== undefined && req.toOffset !== undefined && req.fromOffset > req.toOffset) {
        throw new Error('From offset is after To offset.');
      }
    }
    const notices = f.noticeNos.value.split(/[\s,;]+/).map((s) => s.trim().toUpperCase()).filter(Boolean);
    if (notices.length) req.noticeNos = [...new Set(notices)];
    const bad = (req.noticeNos || []).filter((n) => !/^[A-Z0-9]{1,10}$/.test(n));
    if (bad.length) throw new Error(`Not a notice number: ${bad.join(', ')}`);
    const max = f.maxMessages.value.trim();
    if (max) {
      if (!/^\d+$/.test(max) || Number(max) < 1 || Number(max) > 10000) throw new Error('At most: 1 to 10000 messages.');
      req.maxMessages = Number(max);
    }
    req.reason = f.reason.value.trim();
    if (req.reason.length < 3) throw new Error('A replay needs a reason (3 characters at least): it is recorded with the run.');
    return req;
  }

  function replayChanged() {
    syncRange();
    let now = '';
    try {
      now = JSON.stringify(replayRequest());
    } catch {
      now = '';
    }
    $('replay-run').disabled = !previewed || now !== previewed;
  }
  replayForm.addEventListener('input', replayChanged);
  replayForm.addEventListener('change', replayChanged);
  replayForm.addEventListener('submit', (ev) => ev.preventDefault());

  async function replay(dryRun) {
    let req;
    try {
      req = replayRequest();
    } catch (e) {
      return say(e.message, 'error');
    }
    const button = $(dryRun ? 'replay-preview' : 'replay-run');
    busy(button, true);
    try {
      const r = await api('POST', '/replay', {...req, dryRun});
      $('replay-result').replaceChildren(renderRun(r, dryRun ? 'Replay preview' : 'Replay'));
      if (dryRun) {
        previewed = JSON.stringify(req);
        say(`Preview: ${count(r, 'matched')} matched, ${count(r, 'wouldApply')} would be applied again, ` +
          `${count(r, 'inboxAnswers')} answered from the inbox. Nothing was published.`, 'info');
      } else {
        previewed = '';
        say(`Replay run ${text(r.runId)}: ${count(r, 'published')} published.`, 'ok');
      }
    } catch (err) {
      fail(err);
    } finally {
      busy(button, false);
      replayChanged();
    }
  }
  $('replay-preview').addEventListener('click', () => replay(true));
  $('replay-run').addEventListener('click', () => replay(false));

  // ------------------------------------------------------------------------------ start

  window.addEventListener('hashchange', route);
  syncRange();
  updateSelection();
  route();
})();
