// Agent memory as one workspace sees it: its namespaces and role, a search over them, and forgetting a memory.
import { del, get, id, post, withQuery } from '../api.js';
import { button, field, h, list, when } from '../dom.js';
import { attempt, errorBox } from '../widgets.js';

export async function memory(view) {
  const workspace = h('input', { name: 'workspace_id', placeholder: 'blank: the token\'s own workspace' });
  const namespaces = h('div', { id: 'namespaces' });
  const status = h('div');
  const results = h('div', { id: 'memories' });
  const form = h('form', { id: 'memory-form', class: 'card grid' },
    field('Workspace', workspace),
    field('Query', h('input', { name: 'query', required: true, maxlength: 4000, class: 'wide' })),
    field('Limit', h('input', { type: 'number', name: 'limit', min: 1, max: 100, value: '10', class: 'narrow' })),
    h('button', { type: 'submit' }, 'Search memories'));

  async function loadNamespaces() {
    try {
      const ns = await get(withQuery('/api/memory/namespaces/', { workspace_id: workspace.value.trim() }));
      namespaces.replaceChildren(h('p', {}, `Workspace ${ns.workspace_id} · role ${ns.role}`),
        h('div', { class: 'grid' }, (ns.readable ?? []).map((name) => h('label', {},
          h('input', { type: 'checkbox', name: 'namespace', value: name, checked: true }), ` ${name}`,
          (ns.writable ?? []).includes(name) ? h('span', { class: 'hint' }, ' (writable)') : null))));
    } catch (error) {
      namespaces.replaceChildren(errorBox(error));
    }
  }

  async function runSearch() {
    const chosen = [...namespaces.querySelectorAll('input[name=namespace]:checked')].map((c) => c.value);
    const body = { query: form.elements.query.value, limit: Number(form.elements.limit.value) || 10,
      namespaces: chosen.length ? chosen : undefined, workspace_id: workspace.value.trim() || undefined };
    const found = await attempt(status, () => post('/api/memory/search/', body));
    if (!found) return;
    results.replaceChildren(h('table', { class: 'memories' }, h('thead', {}, h('tr', {},
      ['namespace', 'kind', 'content', 'tags', 'score', 'created', ''].map((l) => h('th', {}, l)))),
    h('tbody', {}, found.results.map((m) => h('tr', {},
      h('td', {}, m.namespace), h('td', {}, m.kind), h('td', {}, m.content), h('td', {}, list(m.tags)),
      h('td', {}, typeof m.score === 'number' ? m.score.toFixed(3) : ''), h('td', {}, when(m.created_at)),
      h('td', {}, button('Forget', async () => {
        if (!confirm('Forget this memory?')) return;
        const path = withQuery(`/api/memory/memories/${id(m.id)}/`, { namespace: m.namespace,
          workspace_id: workspace.value.trim() });
        if (await attempt(status, () => del(path).then(() => true))) {
          await runSearch();
          status.replaceChildren(h('span', { class: 'status ok' }, 'Forgotten.'));
        }
      }, { class: 'danger' })))))));
  }

  workspace.addEventListener('change', loadNamespaces);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    runSearch();
  });
  view.append(h('h1', {}, 'Memory'), form, h('h2', {}, 'Namespaces'), namespaces, status, results);
  await loadNamespaces();
}

