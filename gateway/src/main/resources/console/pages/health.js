// Health: readiness with each dependency, the ingest queue, and the key Prometheus counters (/metrics answers
// only the addresses in MNEMO_METRICS_ALLOW; elsewhere the page says so).
import { ApiError, get } from '../api.js';
import { h, table } from '../dom.js';
import { errorBox } from '../widgets.js';

const KEY_METRICS = ['mnemo_http_requests_total', 'mnemo_auth_failures_total', 'mnemo_rate_limited_total'];

/** Sums each metric family over its labels, and keeps the largest label sets of the key ones. */
function parse(text) {
  const families = new Map();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || line.startsWith('#')) continue;
    const [, name, labels = '', value] = match;
    if (name.endsWith('_bucket') || name.endsWith('_created')) continue;
    const family = families.get(name) ?? { total: 0, series: [] };
    family.total += Number(value);
    family.series.push([labels, Number(value)]);
    families.set(name, family);
  }
  return families;
}

async function metrics() {
  let text;
  try {
    text = await get('/metrics');
  } catch (error) {
    return errorBox(error);
  }
  const families = parse(text);
  const key = KEY_METRICS.filter((name) => families.has(name));
  const busiest = (families.get('mnemo_http_requests_total')?.series ?? []).sort((a, b) => b[1] - a[1]).slice(0, 10);
  return h('div', {},
    table([['metric', (name) => name], ['total', (name) => families.get(name).total]], key, { class: 'metrics' }),
    h('h3', {}, 'Busiest routes'),
    table([['labels', ([labels]) => labels], ['requests', ([, count]) => count]], busiest),
    h('h3', {}, 'All families'),
    table([['metric', ([name]) => name], ['sum', ([, f]) => Number(f.total.toFixed(3))]],
      [...families.entries()].filter(([name]) => /^(mnemo|mcp)_/.test(name))));
}

export async function health(view) {
  let ready;
  try {
    ready = await get('/ready/');
  } catch (error) {
    // 503 carries the same body, naming what is broken.
    if (!(error instanceof ApiError) || !error.body?.checks) throw error;
    ready = error.body;
  }
  const checks = Object.entries(ready.checks ?? {});
  view.append(h('h1', {}, 'Health'),
    h('p', { class: `status ${ready.status === 'ready' ? 'ok' : 'error'}`, id: 'readiness' }, ready.status),
    table([['check', ([name]) => name], ['status', ([, c]) => c.status],
      ['detail', ([, c]) => c.detail ?? (c.duration_ms != null ? `${c.duration_ms} ms` : '')
        + (c.alive != null ? `${c.alive} of ${c.configured} alive` : '')]], checks, { class: 'checks' }),
    ready.queue ? h('p', { class: 'meta' }, `Ingest queue: ${ready.queue.queued} queued, ${ready.queue.processing} `
      + `processing, oldest queued ${ready.queue.oldest_queued_seconds ?? 0} s`) : null,
    h('h2', {}, 'Metrics'),
    await metrics());
}
