// The dashboard: fills the page from the server's live feed (Server-Sent Events). Every value a
// device chose (names, addresses) goes in as text, never as markup.
(function () {
  'use strict';
  var HISTORY = 300;
  var token = new URLSearchParams(window.location.search).get('token');
  var feedUrl = 'events' + (token ? '?token=' + encodeURIComponent(token) : '');
  var series = { t: [], cps: [], joined: [] };
  var charts = {};

  function el(id) { return document.getElementById(id); }

  function cell(tr, value, numeric) {
    var td = document.createElement('td');
    td.textContent = value === undefined || value === null ? '' : String(value);
    if (numeric) { td.className = 'num'; }
    tr.appendChild(td);
  }

  function fill(tableId, rows, columns, emptyText) {
    var body = el(tableId).tBodies[0];
    var fresh = document.createElement('tbody');
    rows.forEach(function (row) {
      var tr = document.createElement('tr');
      columns.forEach(function (c) { cell(tr, row[c.key], c.num); });
      fresh.appendChild(tr);
    });
    if (rows.length === 0) {
      var tr = document.createElement('tr');
      var td = document.createElement('td');
      td.colSpan = columns.length;
      td.className = 'empty';
      td.textContent = emptyText;
      tr.appendChild(td);
      fresh.appendChild(tr);
    }
    body.parentNode.replaceChild(fresh, body);
  }

  var ACTIVITY = [{ key: 'at' }, { key: 'device' }, { key: 'file', num: true }, { key: 'samples', num: true }];

  function showDevices(d) {
    fill('devices', d.list, [{ key: 'name' }, { key: 'address' }, { key: 'udp', num: true }, { key: 'since' }],
      'No device has joined.');
    el('devices-note').textContent = d.total > d.list.length ? '(first ' + d.list.length + ' of ' + d.total + ')' : '';
  }

  // A server that runs alone has no members and shows no cluster section.
  function showMembers(m) {
    el('cluster').hidden = m.length === 0;
    fill('members', m.map(function (x) {
      return { address: x.address, devices: x.devices, here: x.here ? 'this server' : '' };
    }), [{ key: 'address' }, { key: 'devices', num: true }, { key: 'here' }], 'No members.');
  }

  function showFiles(f) {
    fill('files', f.list, [{ key: 'device' }, { key: 'file', num: true }, { key: 'bytes', num: true },
      { key: 'samples', num: true }, { key: 'sum', num: true }, { key: 'min', num: true }, { key: 'max', num: true },
      { key: 'average', num: true }], 'No files are stored.');
    el('files-note').textContent = f.more ? '(the first ' + f.list.length + ')' : '';
  }

  function showState(s) {
    if (s.devices) { showDevices(s.devices); }
    if (s.members) { showMembers(s.members); }
    if (s.uploads) { fill('uploads', s.uploads, ACTIVITY, 'None since the server started.'); }
    if (s.deletions) { fill('deletions', s.deletions, ACTIVITY, 'None since the server started.'); }
    if (s.files) { showFiles(s.files); }
  }

  function chart(id, label, key, stroke) {
    var box = el(id);
    var opts = {
      width: Math.max(300, box.clientWidth), height: 200,
      legend: { show: false },
      scales: { y: { range: function (u, min, max) { return [0, Math.max(1, max * 1.1)]; } } },
      series: [{}, { label: label, stroke: stroke, width: 2, fill: stroke + '22' }],
      axes: [{}, { size: 50 }]
    };
    charts[key] = new uPlot(opts, [series.t, series[key]], box);
  }

  function redraw() {
    ['cps', 'joined'].forEach(function (key) {
      if (charts[key]) { charts[key].setData([series.t, series[key]]); }
    });
    el('cps-chart').dataset.points = String(series.t.length);
    el('joined-chart').dataset.points = String(series.t.length);
    el('cps-chart').dataset.last = String(series.cps[series.cps.length - 1]);
    el('cps-chart').dataset.max = String(Math.max.apply(null, series.cps.concat([0])));
    el('joined-chart').dataset.last = String(series.joined[series.joined.length - 1]);
  }

  function addPoint(tick) {
    series.t.push(tick.t);
    series.cps.push(tick.cps);
    series.joined.push(tick.joined);
    if (series.t.length > HISTORY) {
      series.t.shift(); series.cps.shift(); series.joined.shift();
    }
    showNow(tick);
  }

  function showNow(tick) {
    el('joined-count').textContent = String(tick.joined);
    el('cps-now').textContent = String(tick.cps);
  }

  function onSnapshot(e) {
    var s = JSON.parse(e.data);
    series = { t: [], cps: [], joined: [] };
    s.history.forEach(function (p) { series.t.push(p[0]); series.cps.push(p[1]); series.joined.push(p[2]); });
    if (!charts.cps) {
      chart('cps-chart', 'commands/s', 'cps', '#2b6cb0');
      chart('joined-chart', 'joined', 'joined', '#1f7a3a');
    }
    el('status').textContent = 'live';
    el('status').className = 'status live';
    // The history already ends with this second's point.
    showNow(s.tick);
    showState(s);
    redraw();
  }

  function onTick(e) {
    addPoint(JSON.parse(e.data));
    redraw();
  }

  function connect() {
    var feed = new EventSource(feedUrl);
    feed.addEventListener('snapshot', onSnapshot);
    feed.addEventListener('tick', onTick);
    feed.addEventListener('state', function (e) { showState(JSON.parse(e.data)); });
    // The browser reconnects by itself; the server then starts again with a snapshot.
    feed.onerror = function () { el('status').textContent = 'reconnecting'; el('status').className = 'status'; };
  }

  // Each chart takes the width of its box, also when the window or the layout changes.
  if (window.ResizeObserver) {
    new ResizeObserver(function () {
      ['cps', 'joined'].forEach(function (key) {
        var box = el(key + '-chart');
        if (charts[key]) { charts[key].setSize({ width: Math.max(300, box.clientWidth), height: 200 }); }
      });
    }).observe(document.querySelector('.charts'));
  }
  connect();
}());
