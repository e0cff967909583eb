// Bearer tokens: create one (never wider than the signed-in token; the gateway enforces it), see them masked,
// revoke them. The plaintext of a new token is shown once, as the API returns it once.
import { del, get, id, post, session } from '../api.js';
import { button, field, h, list, secret, when } from '../dom.js';
import { attempt, names } from '../widgets.js';

function createForm(done) {
  const status = h('div');
  const form = h('form', { id: 'token-form', class: 'card grid' },
    field('Name', h('input', { name: 'name', id: 'token-name', required: true, maxlength: 200 })),
    field('Expires (UTC)', h('input', { type: 'datetime-local', name: 'expires_at' })),
    field('Libraries (uids or *, comma separated)', h('input', { name: 'allowed_libraries',
      placeholder: 'blank: as this token' })),
    field('Tools / scopes', h('input', { name: 'allowed_tools', placeholder: 'blank: as this token' })),
    field('Workspaces', h('input', { name: 'workspace_ids', placeholder: 'blank: as this token' })),
    session.admin() ? field('Owner (admin only)', h('input', { name: 'owner', placeholder: 'blank: admin' })) : null,
    h('button', { type: 'submit' }, 'Create token'), status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const e = form.elements;
    const body = { name: e.name.value, allowed_libraries: names(e.allowed_libraries.value),
      allowed_tools: names(e.allowed_tools.value), workspace_ids: names(e.workspace_ids.value),
      expires_at: e.expires_at.value ? new Date(`${e.expires_at.value}Z`).toISOString() : undefined,
      owner: e.owner?.value.trim() || undefined };
    const created = await attempt(status, () => post('/api/tokens/', body));
    if (created) {
      form.reset();
      status.replaceChildren(secret(`Token "${created.name}" (${created.id})`, created.token));
      done();
    }
  });
  return form;
}

export async function tokens(view) {
  const listing = h('div');
  const status = h('div');
  async function show() {
    const page = await get('/api/tokens/');
    const rows = page.results.map((t) => h('tr', { class: t.active ? 'active' : 'revoked' },
      h('td', {}, t.name), h('td', {}, h('code', { class: 'masked' }, t.prefix)), h('td', {}, t.owner),
      h('td', {}, list(t.allowed_libraries)), h('td', {}, list(t.allowed_tools) || 'all'),
      h('td', {}, list(t.workspace_ids)), h('td', {}, when(t.expires_at) || 'never'),
      h('td', {}, when(t.last_used_at)),
      h('td', {}, t.active ? button('Revoke', async () => {
        if (!confirm(`Revoke "${t.name}" and every token made from it?`)) return;
        if (await attempt(status, () => del(`/api/tokens/${id(t.id)}/`).then(() => true), 'Revoked.')) show();
      }) : 'revoked')));
    listing.replaceChildren(h('table', { class: 'tokens' },
      h('thead', {}, h('tr', {}, ['name', 'token', 'owner', 'libraries', 'tools', 'workspaces', 'expires',
        'last used', ''].map((label) => h('th', {}, label)))),
      h('tbody', {}, rows)));
  }
  view.append(h('h1', {}, 'Tokens'), h('h2', {}, 'New token'), createForm(() => show()),
    h('h2', {}, 'Tokens'), status, listing);
  await show();
}
