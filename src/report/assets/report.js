(function () {
  'use strict';
  var errs = document.getElementById('js-errors');
  function fail(m) { errs.hidden = false; var d = document.createElement('div'); d.textContent = String(m); errs.appendChild(d); }
  window.addEventListener('error', function (e) { fail((e.message || 'error') + ' (line ' + e.lineno + ')'); });
  window.addEventListener('unhandledrejection', function (e) { fail('unhandled rejection: ' + e.reason); });
  var t0 = performance.now();
  var SVG = 'http://www.w3.org/2000/svg';
  var RANK = { stuck: 0, oom_killed: 1, sigkill: 2, signal_exit: 3, error_exit: 4, incomplete: 5, graceful: 6, running: 7 };
  var W = 1000, LX = 10, PX0 = 168, PX1 = 742, SX = 758, TOP = 46, LH = 24;
  var D, rows = [], sections = [], sortKey = null, sortDir = 1, range = null;


  function main() {
    D = JSON.parse(document.getElementById('pm-data').textContent);
    var n = D.pods.length;
    document.title = 'podmortem: ' + n + (n === 1 ? ' Pod' : ' Pods');
    var t1 = performance.now();
    buildTable();
    var t2 = performance.now();
    buildCharts();
    wire();
    apply();
    var t3 = performance.now();
    phase('data-parse-ms', t1 - t0);
    phase('data-table-ms', t2 - t1);
    phase('data-charts-ms', t3 - t2);
    jumpToHash();
    window.addEventListener('hashchange', jumpToHash);
    window.addEventListener('beforeprint', function () { sections.forEach(draw); });
    if (observer) setTimeout(ready, 3000); else ready();
  }
  function jumpToHash() {
    var id = '';
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { return; }
    var target = id ? document.getElementById(id) : null;
    if (target && target.classList.contains('pod')) { draw(target); target.scrollIntoView(); }
  }
  function phase(name, ms) { document.getElementById('render-ms').setAttribute(name, ms.toFixed(1)); }
  // Called once what is on screen is drawn (and laid out).
  function ready() {
    if (document.body.hasAttribute('data-ready')) return;
    void document.body.offsetHeight;
    var done = performance.now();
    phase('data-script-ms', done - t0);
    phase('data-page-ms', done);
    document.getElementById('render-ms').textContent = '· drawn in ' + Math.round(done) + ' ms';
    document.body.setAttribute('data-ready', '1');
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function sv(tag, attrs, cls) {
    var e = document.createElementNS(SVG, tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (cls) e.setAttribute('class', cls);
    return e;
  }
  function svText(parent, attrs, cls, text) { var t = sv('text', attrs, cls); t.textContent = text; parent.appendChild(t); return t; }
  function secs(x) {
    if (x == null) return '–';
    var a = Math.abs(x), sign = x < 0 ? '-' : '';
    if (a < 60) return sign + a.toFixed(1) + 's';
    var t = Math.round(a);
    return sign + Math.floor(t / 60) + 'm' + String(t % 60).padStart(2, '0') + 's';
  }
  function plus(x) { return (x < 0 ? '' : '+') + secs(x); }
  function tick(t) {
    var a = Math.abs(t), sign = t < 0 ? '-' : '';
    if (a >= 60) { var s = Math.round(a), r = s % 60; return sign + Math.floor(s / 60) + 'm' + (r ? String(r).padStart(2, '0') + 's' : ''); }
    return sign + String(Math.round(a * 100) / 100) + 's';
  }
  function src(e) { return D.files[e[0]] + (e[1] ? ':' + e[1] : ''); }
  function badge(o) { return el('span', 'badge o-' + o, o); }
  function marginText(p) {
    if (p.mg == null) return null;
    return p.mg >= 0 ? secs(p.mg) + ' to spare' : secs(-p.mg) + ' past it';
  }

  // ------------------------------------------------------------ table
  // The table is virtual: only the rows in (and near) its scroll window are
  // in the DOM, so 2,000 Pods cost what 60 do; sorting and filtering work on
  // \`rows\`, the window shows \`view\`.
  var view = [], rowH = 30, padTop = null, padBottom = null, pendingScroll = false;
  function buildTable() {
    D.pods.forEach(function (p, i) {
      var hay = [p.n, p.node || '', p.uid || '', p.o, p.fk.join(' ')].join(' ').toLowerCase();
      rows.push({ tr: null, i: i, p: p, hay: hay });
    });
    padTop = padRow();
    padBottom = padRow();
  }
  function padRow() {
    var tr = el('tr', 'pad'), td = el('td');
    td.setAttribute('colspan', '8');
    tr.appendChild(td);
    return tr;
  }
  function rowEl(r) {
    if (r.tr) return r.tr;
    var p = r.p, tr = el('tr');
    tr.setAttribute('data-i', r.i);
    var a = el('a', null, p.n);
    a.setAttribute('href', '#pod-' + r.i);
    cell(tr, a).setAttribute('title', p.n);
    cell(tr, p.node || '–').setAttribute('title', p.node || '');
    cell(tr, badge(p.o));
    cell(tr, p.g == null ? '–' : p.g + 's', 'num');
    cell(tr, secs(p.pre), 'num');
    cell(tr, secs(p.dx), 'num');
    var m = cell(tr, marginText(p) || '–', 'num');
    if (p.mg != null) m.classList.add(p.mg >= 0 ? 'good' : 'bad');
    cell(tr, p.fk.length ? p.fk.join(', ') : '–', 'fk').setAttribute('title', p.fk.join(', '));
    r.tr = tr;
    return tr;
  }
  function renderRows() {
    pendingScroll = false;
    var wrap = document.getElementById('table-wrap'), body = document.getElementById('pod-rows');
    var h = Math.max(wrap.clientHeight, 560), top = wrap.scrollTop;
    var first = Math.max(0, Math.floor(top / rowH) - 15);
    var last = Math.min(view.length, first + Math.ceil(h / rowH) + 30);
    var frag = document.createDocumentFragment();
    padTop.firstChild.style.height = first * rowH + 'px';
    padBottom.firstChild.style.height = (view.length - last) * rowH + 'px';
    if (first > 0) frag.appendChild(padTop);
    for (var k = first; k < last; k++) frag.appendChild(rowEl(view[k]));
    if (last < view.length) frag.appendChild(padBottom);
    body.textContent = '';
    body.appendChild(frag);
    var t = document.getElementById('pod-table');
    t.setAttribute('data-rows', view.length);
    t.setAttribute('data-rendered', last - first);
    if (last > first) {
      var measured = rowEl(view[first]).getBoundingClientRect().height;
      if (measured > 0 && Math.abs(measured - rowH) > 0.5) { rowH = measured; renderRows(); }
    }
  }
  function cell(tr, content, cls) {
    var td = el('td', cls);
    if (typeof content === 'string') td.textContent = content; else td.appendChild(content);
    tr.appendChild(td);
    return td;
  }
  function sortValue(p, key) {
    if (key === 'o') return RANK[p.o];
    if (key === 'fk') return p.fk.length ? p.fk.join(',') : null;
    if (key === 'n' || key === 'node') return p[key] == null ? null : String(p[key]).toLowerCase();
    return p[key] == null ? null : p[key];
  }
  function sortBy(key) {
    sortDir = sortKey === key ? -sortDir : 1;
    sortKey = key;
    rows.sort(function (a, b) {
      var x = sortValue(a.p, key), y = sortValue(b.p, key);
      if (x == null && y == null) return a.i - b.i;
      if (x == null) return 1;
      if (y == null) return -1;
      if (x < y) return -sortDir;
      if (x > y) return sortDir;
      return a.i - b.i;
    });
    var charts = document.getElementById('charts'), frag = document.createDocumentFragment();
    rows.forEach(function (r) { frag.appendChild(sections[r.i]); });
    charts.appendChild(frag);
    apply();
    document.querySelectorAll('#pod-table th[data-key]').forEach(function (th) {
      if (th.getAttribute('data-key') === key) th.setAttribute('aria-sort', sortDir > 0 ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    });
  }
  function apply() {
    var q = document.getElementById('q').value.trim().toLowerCase();
    var o = document.getElementById('outcome').value, shown = 0;
    view = [];
    rows.forEach(function (r) {
      var ok = (!q || r.hay.indexOf(q) >= 0) && (!o || r.p.o === o) &&
        (!range || (r.p.dx != null && r.p.o !== 'running' && Math.max(r.p.dx, 0) >= range[0] && Math.max(r.p.dx, 0) < range[1]));
      if (sections[r.i].hidden === ok) sections[r.i].hidden = !ok;
      if (ok) view.push(r);
    });
    shown = view.length;
    renderRows();
    document.getElementById('shown').textContent = shown + ' of ' + rows.length + ' Pods shown';
    document.querySelectorAll('.card').forEach(function (c) { c.classList.toggle('on', c.getAttribute('data-outcome') === o && o !== ''); });
  }
  function wire() {
    document.getElementById('q').addEventListener('input', apply);
    document.getElementById('table-wrap').addEventListener('scroll', function () {
      if (!pendingScroll) { pendingScroll = true; requestAnimationFrame(renderRows); }
    });
    document.getElementById('outcome').addEventListener('change', apply);
    document.querySelectorAll('#pod-table th[data-key]').forEach(function (th) {
      th.addEventListener('click', function () { sortBy(th.getAttribute('data-key')); });
    });
    document.querySelectorAll('.card').forEach(function (c) {
      c.addEventListener('click', function () {
        var sel = document.getElementById('outcome'), v = c.getAttribute('data-outcome');
        sel.value = sel.value === v ? '' : v;
        apply();
      });
    });
    document.querySelectorAll('.chip[data-find]').forEach(function (c) {
      c.addEventListener('click', function () { document.getElementById('q').value = c.getAttribute('data-find'); apply(); });
    });
    document.querySelectorAll('#histogram .bin').forEach(function (g) {
      g.addEventListener('click', function () {
        var hi = g.getAttribute('data-hi');
        range = [parseFloat(g.getAttribute('data-lo')), hi === 'inf' ? Infinity : parseFloat(hi)];
        var chip = document.getElementById('range');
        chip.textContent = 'delete → exit ' + tick(range[0]) + (range[1] === Infinity ? ' and longer' : '–' + tick(range[1])) + ' ✕';
        chip.hidden = false;
        apply();
      });
    });
    document.getElementById('range').addEventListener('click', function () {
      range = null; document.getElementById('range').hidden = true; apply();
    });
    document.querySelectorAll('table.sortable').forEach(sortableTable);
    var charts = document.getElementById('charts');
    charts.addEventListener('mouseover', hover);
    charts.addEventListener('mousemove', moveTip);
    charts.addEventListener('mouseout', function (e) { if (e.target.getAttribute && e.target.hasAttribute('data-s')) hideTip(); });
  }

  // The statistics tables: click a header to sort (largest first), again to reverse.
  function sortableTable(t) {
    var heads = t.querySelectorAll('thead th');
    heads.forEach(function (th, col) {
      th.addEventListener('click', function () {
        var dir = th.getAttribute('aria-sort') === 'descending' ? 1 : -1;
        heads.forEach(function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', dir > 0 ? 'ascending' : 'descending');
        var body = t.tBodies[0], list = Array.prototype.slice.call(body.rows), frag = document.createDocumentFragment();
        list.sort(function (a, b) {
          var x = cellValue(a.cells[col]), y = cellValue(b.cells[col]);
          if (typeof x !== typeof y) return (typeof x === 'number' ? -1 : 1) * dir;
          return (x < y ? -1 : x > y ? 1 : 0) * dir;
        });
        list.forEach(function (r) { frag.appendChild(r); });
        body.appendChild(frag);
      });
    });
  }
  // A cell as a number (`12`, `3.5s`, `1m05s`, `40%`) or lower-case text.
  function cellValue(td) {
    var s = td ? td.textContent.trim() : '';
    var m = /^(-?)(?:(\d+)m)?(\d+(?:\.\d+)?)(s|%)?$/.exec(s);
    if (m) return (m[1] ? -1 : 1) * ((+m[2] || 0) * 60 + parseFloat(m[3]));
    return s === '–' ? -Infinity : s.toLowerCase();
  }

  // ------------------------------------------------------------ charts
  // Small reports are drawn at once; large ones draw each Pod when it comes
  // near the screen.
  var observer = null;
  function buildCharts() {
    var box = document.getElementById('charts'), frag = document.createDocumentFragment();
    var lazy = D.pods.length > D.eager && 'IntersectionObserver' in window;
    if (lazy) observer = new IntersectionObserver(seen, { rootMargin: '1500px 0px' });
    D.pods.forEach(function (p, i) {
      var s = podShell(p, i);
      sections.push(s);
      frag.appendChild(s);
      if (observer) observer.observe(s); else podBody(s, p);
    });
    box.appendChild(frag);
  }
  function seen(entries) {
    entries.forEach(function (e) { if (e.isIntersecting) draw(e.target); });
    ready();
  }
  function draw(s) {
    if (!s.classList.contains('pending')) return;
    if (observer) observer.unobserve(s);
    podBody(s, D.pods[+s.getAttribute('data-i')]);
  }
  // The section itself (the link target) exists from the start; its content
  // is drawn at once for small reports, near the screen for large ones.
  function podShell(p, i) {
    var s = el('section', 'pod pending o-' + p.o);
    s.id = 'pod-' + i;
    s.setAttribute('data-i', i);
    s.setAttribute('data-outcome', p.o);
    if (p.mg != null) s.setAttribute('data-margin', p.mg);
    if (p.dl != null) s.setAttribute('data-deadline', p.dl);
    return s;
  }
  function podBody(s, p) {
    s.classList.remove('pending');
    var i = +s.getAttribute('data-i'), h = el('h3');
    h.appendChild(el('span', 'pod-name', p.n));
    h.appendChild(badge(p.o));
    var a = el('a', 'anchor', '#');
    a.setAttribute('href', '#pod-' + i);
    h.appendChild(a);
    s.appendChild(h);
    s.appendChild(el('p', 'meta', meta(p)));
    var v = el('p', 'verdict', p.v);
    if (p.mg != null) v.classList.add(p.mg >= 0 && RANK[p.o] > 2 ? 'good' : p.mg >= 0 ? 'warn' : 'bad');
    else if (RANK[p.o] <= 2) v.classList.add('bad');
    s.appendChild(v);
    if (p.ln.length) s.appendChild(chart(p)); else s.appendChild(el('p', 'muted', 'no stages seen'));
    containers(s, p);
    findings(s, p);
    stages(s, p);
  }
  function meta(p) {
    var parts = [];
    if (p.node) parts.push('node ' + p.node);
    if (p.uid) parts.push('uid ' + p.uid);
    parts.push('grace ' + (p.g == null ? 'unknown' : p.g + 's'));
    if (p.why) parts.push('stopped by ' + p.why + (p.by ? ' (' + p.by + ')' : ''));
    if (p.dur != null) parts.push('duration ' + secs(p.dur));
    if (p.z) parts.push('0s = ' + (p.zd ? 'delete seen at ' : 'first stage at ') + p.z);
    return parts.join(' · ');
  }
  function chart(p) {
    var lanes = p.ln, bottom = TOP + lanes.length * LH, H = bottom + 34;
    var svg = sv('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'data-lanes': lanes.length }, 'chart');
    svg.setAttribute('aria-label', 'lane chart of ' + p.n + ': ' + p.v);
    var a0 = p.ax[0], a1 = p.ax[1], pad = (a1 - a0) * 0.02;
    a0 -= pad; a1 += pad;
    function x(t) { return +(PX0 + (t - a0) / (a1 - a0) * (PX1 - PX0)).toFixed(1); }
    lanes.forEach(function (ln, k) { if (k % 2 === 0) svg.appendChild(sv('rect', { x: 0, y: TOP + k * LH, width: W, height: LH }, 'band')); });
    if (p.dl != null) svg.appendChild(sv('rect', { x: x(p.dl), y: TOP - 6, width: Math.max(PX1 - x(p.dl), 0), height: bottom - TOP + 6 }, 'past'));
    p.tk.forEach(function (t) {
      var xx = x(t);
      svg.appendChild(sv('line', { x1: xx, x2: xx, y1: TOP - 6, y2: bottom }, 'grid' + (t === 0 ? ' zero' : '')));
      svText(svg, { x: xx, y: TOP - 11 }, 'tick', tick(t));
    });
    svText(svg, { x: LX, y: TOP - 11 }, 'axis-cap', p.zd ? 'seconds from the delete' : 'seconds from the first stage');
    lanes.forEach(function (ln, k) { lane(svg, p, ln, TOP + k * LH, x, k); });
    if (p.dl != null) deadline(svg, p, x, bottom);
    marginBar(svg, p, x, bottom + 20);
    return svg;
  }
  function lane(svg, p, ln, y, x, k) {
    var key = D.lanes[ln[0]][0], tone = ln[5] ? ' t-' + ln[5] : '', empty = !ln[3].length;
    svText(svg, { x: LX, y: y + 16 }, 'lane-label' + (empty ? ' empty' : ''), D.lanes[ln[0]][1] + (ln[1] != null ? ' · ' + ln[1] : ''));
    ln[2].forEach(function (s) {
      var x0 = x(s[0]), x1 = Math.max(x(s[1]), x0 + 3);
      svg.appendChild(sv('rect', { x: x0, y: y + 7, width: +(x1 - x0).toFixed(1), height: 10, rx: 3, 'data-l': k }, 'span k-' + key + tone + (s[2] ? ' open' : '')));
    });
    ln[3].forEach(function (si) { svg.appendChild(mark(p, si, x(p.st[si][1]), y + 12, key, tone)); });
    svText(svg, { x: SX, y: y + 16 }, 'summary' + (empty ? ' empty' : ''), ln[4]);
  }
  function mark(p, si, cx, cy, key, tone) {
    var st = p.st[si], name = D.stages[st[0]][0], m;
    if (name === 'kill_sent') {
      m = sv('path', { d: 'M' + cx + ' ' + (cy - 7) + 'l7 7-7 7-7-7z' }, 'mk k-kill');
    } else {
      m = sv('circle', { cx: cx, cy: cy, r: name === 'app_signal_logged' ? 4 : 5.5 }, 'mk k-' + key + tone + (name === 'app_signal_logged' ? ' app' : ''));
    }
    m.setAttribute('data-s', si);
    m.setAttribute('data-stage', name);
    m.setAttribute('aria-label', [D.stages[st[0]][1], plus(st[1]), st[2], st[3] || '', st[6] || '', src([st[4], st[5]])].filter(Boolean).join(' · '));
    return m;
  }
  function deadline(svg, p, x, bottom) {
    var dx = x(p.dl);
    svg.appendChild(sv('line', { x1: dx, x2: dx, y1: 6, y2: bottom + 4 }, 'deadline'));
    var right = dx > (PX0 + PX1) / 2;
    svText(svg, { x: right ? dx - 6 : dx + 6, y: 14, 'text-anchor': right ? 'end' : 'start' }, 'dl-label', 'grace deadline +' + tick(p.dl));
  }
  function marginBar(svg, p, x, y) {
    if (p.mg == null || p.dl == null) return;
    var exit = p.dl - p.mg, xe = x(exit), xd = x(p.dl), good = p.mg >= 0;
    var g = sv('g', {}, 'mg ' + (good ? 'good' : 'bad'));
    var lo = Math.min(xe, xd), hi = Math.max(xe, xd);
    g.appendChild(sv('line', { x1: lo, x2: hi, y1: y, y2: y }));
    g.appendChild(sv('line', { x1: lo, x2: lo, y1: y - 5, y2: y + 5 }));
    g.appendChild(sv('line', { x1: hi, x2: hi, y1: y - 5, y2: y + 5 }));
    var text = good ? 'exited ' + secs(p.mg) + ' before the deadline' : 'exited ' + secs(-p.mg) + ' after the deadline';
    var anchor = hi > PX1 - 120 ? 'end' : 'start', tx = anchor === 'end' ? lo - 8 : hi + 8;
    if (hi - lo > 260) { anchor = 'middle'; tx = (lo + hi) / 2; y -= 6; }
    svText(g, { x: tx, y: y + 4, 'text-anchor': anchor }, 'mg-label', text);
    svText(svg, { x: LX, y: y + 4 }, 'lane-label', 'margin');
    svg.appendChild(g);
  }
  function containers(s, p) {
    p.ct.forEach(function (c) {
      var parts = ['container ' + (c[0] || '?')];
      if (c[1]) parts.push('id ' + c[1]);
      if (c[2]) parts.push('signal ' + c[2]);
      parts.push('preStop ' + (c[3] == null ? '–' : secs(c[3])));
      parts.push('stop timeout ' + (c[4] == null ? '–' : c[4] + 's'));
      parts.push('exit ' + (c[5] == null ? '?' : c[5]));
      s.appendChild(el('p', 'containers', parts.join(' · ')));
    });
  }
  function findings(s, p) {
    if (!p.fd.length) { s.appendChild(el('p', 'muted findings-none', 'no findings')); return; }
    var ul = el('ul', 'findings');
    p.fd.forEach(function (f) {
      var li = el('li', 'sev-' + f[1]);
      li.setAttribute('data-kind', f[0]);
      li.appendChild(el('span', 'sev', f[1]));
      li.appendChild(el('span', 'kind', f[0]));
      li.appendChild(el('span', 'msg', f[3]));
      var ev = el('div', 'evidence');
      f[4].forEach(function (e) { ev.appendChild(el('code', null, src(e))); });
      li.appendChild(ev);
      ul.appendChild(li);
    });
    s.appendChild(ul);
  }
  function stages(s, p) {
    if (!p.st.length) return;
    var d = el('details', 'stages');
    d.appendChild(el('summary', null, 'every stage with its evidence (' + p.st.length + ')'));
    s.appendChild(d);
    if (!observer) stageTable(d, p);
    else d.addEventListener('toggle', function () { if (d.open && d.children.length < 2) stageTable(d, p); });
  }
  function stageTable(d, p) {
    var t = el('table'), head = el('tr');
    ['+t', 'time (UTC)', 'stage', 'container', 'detail', 'evidence'].forEach(function (h) { head.appendChild(el('th', null, h)); });
    var th = el('thead'); th.appendChild(head); t.appendChild(th);
    var tb = el('tbody');
    p.st.forEach(function (st) {
      var tr = el('tr');
      cell(tr, plus(st[1]), 'num');
      cell(tr, st[2]);
      cell(tr, D.stages[st[0]][0]);
      cell(tr, st[3] || '');
      cell(tr, st[6] || '');
      cell(tr, el('code', null, src([st[4], st[5]])));
      tb.appendChild(tr);
    });
    t.appendChild(tb);
    d.appendChild(t);
  }

  // ------------------------------------------------------------ tooltip
  var tip = document.getElementById('tip');
  function hover(e) {
    var t = e.target;
    if (!t.getAttribute) return;
    var sec = t.closest ? t.closest('section.pod') : null;
    if (!sec) return;
    var p = D.pods[+sec.getAttribute('data-i')];
    if (t.hasAttribute('data-s')) showStage(p, p.st[+t.getAttribute('data-s')]);
    else if (t.hasAttribute('data-l')) showLane(p, p.ln[+t.getAttribute('data-l')]);
    else return;
    moveTip(e);
  }
  function tipLine(cls, text, tag) { var d = el(tag || 'div', cls, text); tip.appendChild(d); return d; }
  function showStage(p, st) {
    tip.textContent = '';
    var head = el('div');
    head.appendChild(el('b', null, D.stages[st[0]][1]));
    head.appendChild(document.createTextNode(' ' + plus(st[1])));
    tip.appendChild(head);
    tipLine('t', st[2]);
    if (st[3]) tipLine(null, 'container ' + st[3]);
    if (st[6]) tipLine(null, st[6]);
    var c = el('div'); c.appendChild(el('code', null, src([st[4], st[5]]))); tip.appendChild(c);
    tip.hidden = false;
  }
  function showLane(p, ln) {
    tip.textContent = '';
    tipLine(null, D.lanes[ln[0]][1] + (ln[1] != null ? ' · ' + ln[1] : ''), 'b');
    tipLine(null, ln[4]);
    ln[2].forEach(function (s) { tipLine('t', plus(s[0]) + ' → ' + (s[2] ? 'no end seen' : plus(s[1]))); });
    tip.hidden = false;
  }
  function moveTip(e) {
    if (tip.hidden) return;
    var w = tip.offsetWidth, h = tip.offsetHeight, x = e.clientX + 14, y = e.clientY + 16;
    if (x + w > window.innerWidth - 8) x = Math.max(8, e.clientX - w - 14);
    if (y + h > window.innerHeight - 8) y = Math.max(8, e.clientY - h - 12);
    tip.style.left = x + 'px';
    tip.style.top = y + 'px';
  }
  function hideTip() { tip.hidden = true; }

  try { main(); } catch (e) { fail(e && e.stack ? e.stack : e); }
})();
