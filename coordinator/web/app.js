// ubaflow's web UI: Flink-like pages over the coordinator's REST API
// (docs/rest-api.md) and result dashboards drawn with ECharts. No build
// step: plain ES2017 served as is; ECharts comes from npm (node_modules).
'use strict';

const ui = {
  config: null,     // GET /config
  jid: null,        // the job's id
  page: null,       // the page on screen
  charts: {},       // ECharts instances by element id
  previous: null,   // last job details, for rates
  timer: null,
};

// -- helpers ------------------------------------------------------------------

// With rest.read-token set, the API answers 401 until the browser sends
// the token; it is asked for once and kept for this tab only.
let tokenAsked = null;

function askToken() {
  if (!tokenAsked)
    tokenAsked = Promise.resolve(window.prompt(
      'This ubaflow cluster needs its REST read token (rest.read-token):'))
      .then((entered) => {
        if (entered) sessionStorage.setItem('ubaflow.token', entered);
        return Boolean(entered);
      });
  return tokenAsked;
}

// `quiet`: a 401 is not a reason to ask for the token (the caller can do
// without the answer).
async function api(path, retried, quiet) {
  const headers = {};
  const token = sessionStorage.getItem('ubaflow.token');
  if (token) headers.Authorization = 'Bearer ' + token;
  const response = await fetch(path, {cache: 'no-store', headers});
  if (response.status === 401 && !retried && !quiet) {
    sessionStorage.removeItem('ubaflow.token');
    tokenAsked = null;
    if (await askToken())
      return api(path, true);
  }
  if (!response.ok)
    throw new Error(path + ' answered ' + response.status);
  return response.json();
}

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'}[c]));
const num = (n) => Number(n).toLocaleString('en-US');
const badge = (s) => `<span class="badge ${esc(s)}">${esc(s)}</span>`;
const time = (ms) => ms > 0 ? new Date(ms).toLocaleString() : '–';
const duration = (ms) => {
  if (ms < 0) return '–';
  const s = Math.floor(ms / 1000);
  return s >= 3600 ? `${Math.floor(s / 3600)}h ${Math.floor(s % 3600 / 60)}m`
       : s >= 60 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${s}s`;
};
const watermarkText = (v) => {
  const n = Number(v);
  return n <= -9e18 ? 'No Watermark' : new Date(n).toISOString().replace('T', ' ').slice(0, 19);
};
const card = (label, value, id, small) =>
  `<div class="card"><div class="label">${esc(label)}</div>` +
  `<div class="value${small ? ' small' : ''}" ${id ? `id="${id}"` : ''}>${value}</div></div>`;

function table(headers, rows) {
  const head = headers.map((h) => `<th class="${h.num ? 'num' : ''}">${esc(h.label || h)}</th>`).join('');
  const body = rows.map((r) => '<tr>' + r.map((c, i) =>
    `<td class="${headers[i].num ? 'num' : ''}">${c}</td>`).join('') + '</tr>').join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function chart(id, option) {
  const el = document.getElementById(id);
  if (!el) return;
  let c = ui.charts[id];
  if (!c || c.getDom() !== el) {
    c = echarts.init(el);
    ui.charts[id] = c;
  }
  // Merged into the previous option: a poll updates the chart in place
  // instead of redrawing it from scratch.
  c.setOption(option);
}

// -- pages --------------------------------------------------------------------

const pages = {
  async overview(main) {
    const [o, jobs] = await Promise.all([api('/overview'), api('/jobs/overview')]);
    const rows = jobs.jobs.map((j) => [
      `<a href="#/job">${esc(j.name)}</a>`, time(j['start-time']), duration(j.duration),
      num(j.tasks.total), badge(j.state)]);
    main.innerHTML = `<h1>Overview</h1><div class="cards">
        ${card('Task Managers', o.taskmanagers, 'tm-count')}
        ${card('Task Slots', `${o['slots-available']} / ${o['slots-total']}`)}
        ${card('Running Jobs', o['jobs-running'], 'running-jobs')}
        ${card('Finished', o['jobs-finished'])}${card('Failed', o['jobs-failed'])}
      </div><h2>Jobs</h2>${table(['Job Name', 'Start Time', 'Duration', 'Tasks', 'Status'], rows)}`;
  },

  async job(main) {
    const job = await api('/jobs/' + ui.jid);
    const vertices = await Promise.all(job.vertices.map(async (v) => {
      const [marks, bp] = await Promise.all([
        api(`/jobs/${ui.jid}/vertices/${v.id}/watermarks`),
        api(`/jobs/${ui.jid}/vertices/${v.id}/backpressure`)]);
      const low = marks.map((m) => Number(m.value)).reduce((a, b) => Math.min(a, b), Infinity);
      return {...v, watermark: marks.length ? low : -9.3e18, backpressure: bp['backpressure-level']};
    }));
    const seconds = ui.previous ? (job.now - ui.previous.now) / 1000 : 0;
    const rate = (v, key) => {
      const before = ui.previous && ui.previous.vertices.find((p) => p.id === v.id);
      return before && seconds > 0 ? (v.metrics[key] - before.metrics[key]) / seconds : 0;
    };
    const rows = vertices.map((v) => [
      esc(v.name), v.parallelism, num(v.metrics['read-records']), num(Math.round(rate(v, 'read-records'))),
      num(v.metrics['write-records']), num(Math.round(rate(v, 'write-records'))),
      watermarkText(v.watermark), badge(v.backpressure), badge(v.status)]);
    if (!document.getElementById('job-graph')) {
      main.innerHTML = `<h1 id="job-title"></h1><div class="cards" id="job-cards"></div>
        <h2>Job graph</h2><div id="job-graph" class="chart"></div>
        <h2>Vertices</h2><div id="job-vertices"></div><div id="job-sql"></div>`;
    }
    // A job written in SQL: what each vertex runs.
    const withSql = job.plan.nodes.filter((n) => n['ubaflow-sql']);
    document.getElementById('job-sql').innerHTML = withSql.length === 0 ? '' : '<h2>SQL</h2>'
      + withSql.map((n) => `<h3>${esc(vertices.find((v) => v.id === n.id).name)}</h3>`
        + `<pre class="sql">${esc(n['ubaflow-sql'])}</pre>`).join('');
    document.getElementById('job-title').innerHTML = `${esc(job.name)} ${badge(job.state)}`;
    document.getElementById('job-cards').innerHTML = card('Start Time', time(job['start-time']), null, true)
      + card('Duration', duration(job.duration)) + card('Job ID', esc(job.jid), null, true)
      + card('Max Parallelism', job.maxParallelism);
    document.getElementById('job-vertices').innerHTML = table(['Name', {label: 'Parallelism', num: 1},
      {label: 'Records In', num: 1}, {label: 'In/s', num: 1}, {label: 'Records Out', num: 1},
      {label: 'Out/s', num: 1}, 'Low Watermark', 'Backpressure', 'Status'], rows);
    ui.previous = job;
    const depth = {};
    const nodes = job.plan.nodes;
    for (const n of nodes)
      depth[n.id] = n.inputs ? Math.max(...n.inputs.map((i) => depth[i.id] ?? 0)) + 1 : 0;
    // Columns by depth; a node that an edge skips over moves up, so the
    // edge passes below it.
    const skipped = (d) => nodes.some((n) => (n.inputs || []).some((i) => depth[i.id] < d && d < depth[n.id]));
    const perColumn = {};
    const short = (t) => t.length > 30 ? t.slice(0, 29) + '…' : t;
    const graph = nodes.map((n) => {
      const v = vertices.find((x) => x.id === n.id);
      const d = depth[n.id];
      const row = perColumn[d] = (perColumn[d] ?? -1) + 1;
      return {name: n.id, x: d * 280, y: row * 110 - (skipped(d) ? 110 : 0),
              value: `${short(v.name)}\nParallelism: ${n.parallelism}\nIn: ${num(v.metrics['read-records'])}`};
    });
    const links = nodes.flatMap((n) => (n.inputs || []).map((i) => ({source: i.id, target: n.id,
      label: {show: true, fontSize: 10, formatter: i.ship_strategy}})));
    chart('job-graph', {series: [{type: 'graph', layout: 'none', roam: true, symbol: 'rect',
      symbolSize: [220, 72], edgeSymbol: ['none', 'arrow'], edgeSymbolSize: 8, data: graph, links,
      top: 60, bottom: 60, left: 120, right: 120,
      itemStyle: {color: '#e6f4ff', borderColor: '#1890ff'}, lineStyle: {color: '#8aa4bf', width: 1.5},
      label: {show: true, color: '#1f2d3d', lineHeight: 18, formatter: (p) => p.data.value}}]});
  },

  async dashboard(main) {
    const r = await api('/ubaflow/results');
    if (!document.getElementById('buys-per-hour')) {
      main.innerHTML = `<h1>Results</h1><div class="cards">
          ${card('Max hourly buys', '–', 'max-hourly')}${card('Average hourly buys', '–', 'avg-hourly')}
          ${card('Latest day-to-date UV', '–', 'latest-uv')}${card('Categories', '–', 'category-count')}</div>
        <div class="grid2"><div><h2>Buys per hour</h2><div id="buys-per-hour" class="chart"></div></div>
          <div><h2>Total sales per category</h2><div id="category-ranking" class="chart"></div></div>
          <div><h2>UV per 10 minutes and day-to-date UV</h2><div id="uv" class="chart"></div></div>
          <div><h2>Buys vs UV per hour</h2><div id="buys-vs-uv" class="chart"></div></div></div>
        <h2>Buys by day and hour</h2><div id="heatmap" class="chart tall"></div>`;
    }
    const hours = r.buy_cnt_per_hour;
    const max = hours.reduce((m, h) => Math.max(m, h.buy_cnt), 0);
    const avg = hours.length ? hours.reduce((s, h) => s + h.buy_cnt, 0) / hours.length : 0;
    const daily = r.cumulative_uv_daily;
    document.getElementById('max-hourly').textContent = num(max);
    document.getElementById('avg-hourly').textContent = num(Math.round(avg));
    document.getElementById('latest-uv').textContent = daily.length ? num(daily[daily.length - 1].uv) : '–';
    document.getElementById('category-count').textContent = num(r.top_category.length);
    chart('buys-per-hour', {tooltip: {trigger: 'axis'}, grid: {left: 60, right: 20},
      xAxis: {type: 'category', data: hours.map((h) => h.event_time.slice(5, 13) + 'h')},
      yAxis: {type: 'value'}, series: [{type: 'bar', name: 'buys', data: hours.map((h) => h.buy_cnt)}]});
    const ranking = [...r.top_category].sort((a, b) => a.buy_cnt - b.buy_cnt).slice(-15);
    chart('category-ranking', {tooltip: {}, grid: {left: 10, right: 20, containLabel: true},
      xAxis: {type: 'value'}, yAxis: {type: 'category', data: ranking.map((c) => c.category_name)},
      series: [{type: 'bar', name: 'buys', data: ranking.map((c) => c.buy_cnt)}]});
    chart('uv', {tooltip: {trigger: 'axis'}, legend: {}, grid: {left: 70, right: 70},
      xAxis: {type: 'time'},
      yAxis: [{type: 'value', name: 'per 10 min'}, {type: 'value', name: 'day to date'}],
      series: [{type: 'line', name: 'UV per 10 min', showSymbol: false,
                data: r.cumulative_uv.map((u) => [u.window_end, u.uv])},
               {type: 'line', name: 'day-to-date UV', showSymbol: false, yAxisIndex: 1,
                data: daily.map((u) => [u.window_end, u.uv])}]});
    const peakUv = {};
    for (const u of r.cumulative_uv) {
      const hour = u.window_start.slice(0, 13);
      peakUv[hour] = Math.max(peakUv[hour] || 0, u.uv);
    }
    chart('buys-vs-uv', {tooltip: {trigger: 'axis'}, legend: {}, grid: {left: 60, right: 60},
      xAxis: {type: 'category', data: hours.map((h) => h.window_start.slice(5, 13) + 'h')},
      yAxis: [{type: 'value', name: 'buys'}, {type: 'value', name: 'UV'}],
      series: [{type: 'bar', name: 'buys', data: hours.map((h) => h.buy_cnt)},
               {type: 'line', name: 'peak 10-min UV', yAxisIndex: 1,
                data: hours.map((h) => peakUv[h.window_start.slice(0, 13)] || 0)}]});
    const days = [...new Set(hours.map((h) => h.event_time.slice(0, 10)))];
    chart('heatmap', {tooltip: {}, grid: {left: 100, right: 20, bottom: 70},
      xAxis: {type: 'category', data: [...Array(24).keys()].map((h) => h + 'h')},
      yAxis: {type: 'category', data: days},
      visualMap: {min: 0, max: Math.max(1, max), calculable: true, orient: 'horizontal', left: 'center', bottom: 0},
      series: [{type: 'heatmap', data: hours.map((h) => [h.hour_of_day, days.indexOf(h.event_time.slice(0, 10)), h.buy_cnt])}]});
  },

  async checkpoints(main) {
    const c = await api(`/jobs/${ui.jid}/checkpoints`);
    let config = null;
    try { config = await api(`/jobs/${ui.jid}/checkpoints/config`); } catch (e) { /* off */ }
    const latest = c.latest.completed || c.latest.savepoint;
    const history = c.history.map((h) => [h.id, badge(h.status), h.is_savepoint ? 'savepoint' : 'checkpoint',
      time(h.latest_ack_timestamp), `${num(h.end_to_end_duration)} ms`, `${num(h.state_size)} B`,
      esc(h.external_path || '')]);
    if (!document.getElementById('checkpoint-history')) {
      main.innerHTML = `<h1>Checkpoints</h1><div class="cards" id="checkpoint-cards"></div>
        <h2>History</h2><div id="checkpoint-history" class="chart"></div><div id="checkpoint-table"></div>
        <div id="checkpoint-failure"></div><h2>Configuration</h2><div id="checkpoint-config"></div>`;
    }
    document.getElementById('checkpoint-cards').innerHTML =
      card('Completed', num(c.counts.completed), 'checkpoints-completed') + card('Failed', num(c.counts.failed))
      + card('In progress', num(c.counts.in_progress))
      + card('Restored', c.latest.restored ? c.latest.restored.id : '–')
      + card('Latest duration', latest ? `${num(latest.end_to_end_duration)} ms` : '–')
      + card('Latest size', latest ? `${num(latest.state_size)} B` : '–');
    document.getElementById('checkpoint-table').innerHTML = table(['ID', 'Status', 'Type', 'Acknowledged',
      {label: 'Duration', num: 1}, {label: 'Size', num: 1}, 'Path'], history);
    document.getElementById('checkpoint-failure').innerHTML = c.latest.failed
      ? `<h2>Latest failure</h2><pre class="error">${esc(c.latest.failed.failure_message)}</pre>` : '';
    document.getElementById('checkpoint-config').innerHTML = config ? table(['Option', 'Value'], [
      ['Mode', config.mode], ['Interval', `${num(config.interval)} ms`], ['Timeout', `${num(config.timeout)} ms`],
      ['Storage', esc(config.checkpoint_storage)]]) : '<p>Checkpoints are not enabled.</p>';
    const done = [...c.history].reverse().filter((h) => h.status === 'COMPLETED');
    chart('checkpoint-history', {tooltip: {trigger: 'axis'}, legend: {}, grid: {left: 70, right: 80},
      xAxis: {type: 'category', data: done.map((h) => String(h.id))},
      yAxis: [{type: 'value', name: 'ms'}, {type: 'value', name: 'bytes'}],
      series: [{type: 'bar', name: 'duration', data: done.map((h) => h.end_to_end_duration)},
               {type: 'line', name: 'size', yAxisIndex: 1, data: done.map((h) => h.state_size)}]});
  },

  async exceptions(main) {
    const e = await api(`/jobs/${ui.jid}/exceptions`);
    const rows = e.exceptionHistory.entries.map((x) => [time(x.timestamp), esc(x.exceptionName), esc(x.stacktrace)]);
    main.innerHTML = `<h1>Exceptions</h1><h2>Root exception</h2>
      <pre>${e['root-exception'] ? esc(e['root-exception']) : 'No exceptions.'}</pre>
      <h2>Exception history</h2>${table(['Time', 'Name', 'Message'], rows)}`;
  },

  async taskmanagers(main) {
    const [tms, job] = await Promise.all([api('/taskmanagers'), api('/jobs/' + ui.jid)]);
    const work = {};
    const load = {}; // records read by each worker's source subtasks
    for (const v of job.vertices) {
      const details = await api(`/jobs/${ui.jid}/vertices/${v.id}`);
      for (const s of details.subtasks)
        if (v.name.startsWith('Source'))
          load[s['taskmanager-id']] = (load[s['taskmanager-id']] || 0) + s.metrics['read-records'];
      for (const s of details.subtasks)
        (work[s['taskmanager-id']] = work[s['taskmanager-id']] || []).push(
          `${v.name} #${s.subtask}` + (s['ubaflow-assignment'] ? ` (${s['ubaflow-assignment']})` : ''));
    }
    const rows = tms.taskmanagers.map((t) => [esc(t.id), esc(t.path), t.dataPort, time(t.timeSinceLastHeartbeat),
      t.slotsNumber, t.freeSlots, num(load[t.id] || 0), (work[t.id] || []).map(esc).join('<br>')]);
    main.innerHTML = `<h1>Task Managers</h1>${table(['ID', 'Path', {label: 'Data Port', num: 1},
      'Last Heartbeat', {label: 'All Slots', num: 1}, {label: 'Free Slots', num: 1},
      {label: 'Records read', num: 1}, 'Subtasks (partitions, key groups)'], rows)}`;
  },

  async jobmanager(main) {
    const config = await api('/jobmanager/config');
    main.innerHTML = `<h1>Job Manager configuration</h1>${table(['Key', 'Value'],
      config.map((c) => [esc(c.key), esc(c.value)]))}`;
  },
};

// -- loop -----------------------------------------------------------------------

async function refresh() {
  const name = (location.hash.replace(/^#\//, '') || 'overview').split('/')[0];
  const page = pages[name] ? name : 'overview';
  const main = document.getElementById('main');
  if (page !== ui.page) {
    ui.page = page;
    ui.previous = null;
    main.innerHTML = '';
    for (const c of Object.values(ui.charts)) c.dispose();
    ui.charts = {};
  }
  document.querySelectorAll('nav a').forEach((a) => a.classList.toggle('active', a.dataset.page === page));
  try {
    const jobs = await api('/jobs');
    ui.jid = jobs.jobs.length ? jobs.jobs[0].id : null;
    await pages[page](main);
    await showProblems();
    document.getElementById('status').textContent = 'Updated ' + new Date().toLocaleTimeString();
  } catch (e) {
    document.getElementById('status').innerHTML = `<span class="error">${esc(e.message)}</span>`;
  }
}

// What the job is waiting out or retrying (Kafka, a sink, a lookup, failed
// checkpoints), above every page, as the progress line says it.
async function showProblems() {
  const box = document.getElementById('problems');
  // Never asks for the token itself (the pages do): without it, none shown.
  let health = null;
  try { health = await api('/ubaflow/health', false, true); } catch (e) { /* none shown */ }
  const problems = health && Array.isArray(health.problems) ? health.problems : [];
  box.hidden = problems.length === 0;
  box.innerHTML = problems.map((p) => `<div class="problem">${esc(p.text)}</div>`).join('');
}

async function start() {
  ui.config = await api('/config');
  document.getElementById('meta').textContent =
    `API ${ui.config['flink-version']} · ${ui.config['timezone-name']}`;
  window.addEventListener('hashchange', refresh);
  window.addEventListener('resize', () => Object.values(ui.charts).forEach((c) => c.resize()));
  await refresh();
  ui.timer = setInterval(refresh, ui.config['refresh-interval'] || 3000);
}

start();
