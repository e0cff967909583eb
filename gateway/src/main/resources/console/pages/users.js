// Users and service accounts (the admin's): create one with its first token, deactivate or reactivate it.
import { get, id, post, put } from '../api.js';
import { button, field, h, list, secret, when } from '../dom.js';
import { attempt } from '../widgets.js';

const CAPABILITIES = ['manage_workspaces', 'trusted_namespaces'];

export async function users(view) {
  const listing = h('div');
  const status = h('div');
  async function show() {
    const page = await get('/api/users/');
    const rows = page.results.map((u) => h('tr', {},
      h('td', {}, u.id), h('td', {}, u.name), h('td', {}, u.role), h('td', {}, list(u.capabilities)),
      h('td', {}, u.managed_by ?? ''), h('td', {}, u.active ? 'active' : 'inactive'), h('td', {}, when(u.created_at)),
      h('td', {}, u.role === 'admin' ? '' : button(u.active ? 'Deactivate' : 'Reactivate', async () => {
        if (await attempt(status, () => put(`/api/users/${id(u.id)}/`, { active: !u.active }), 'Saved.')) show();
      }))));
    listing.replaceChildren(h('table', { class: 'users' }, h('thead', {}, h('tr', {},
      ['id', 'name', 'role', 'capabilities', 'managed by', 'state', 'created', ''].map((l) => h('th', {}, l)))),
    h('tbody', {}, rows)));
  }
  const form = h('form', { id: 'user-form', class: 'card grid' },
    field('Id', h('input', { name: 'id', required: true, maxlength: 128, pattern: '[a-z0-9][a-z0-9._@\\-]*' })),
    field('Name', h('input', { name: 'name', required: true, maxlength: 200 })),
    field('Role', h('select', { name: 'role' }, h('option', { value: 'user' }, 'user'),
      h('option', { value: 'service' }, 'service account'))),
    h('fieldset', {}, h('legend', {}, 'Capabilities (service accounts)'), CAPABILITIES.map((c) => h('label', {},
      h('input', { type: 'checkbox', name: 'capability', value: c }), ` ${c}`))),
    field('Managed by (service account)', h('input', { name: 'managed_by' })),
    h('button', { type: 'submit' }, 'Create'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const e = form.elements;
    const capabilities = [...form.querySelectorAll('input[name=capability]:checked')].map((c) => c.value);
    const created = await attempt(status, () => post('/api/users/', { id: e.id.value, name: e.name.value,
      role: e.role.value, capabilities: capabilities.length ? capabilities : undefined,
      managed_by: e.managed_by.value.trim() || undefined }));
    if (created) {
      form.reset();
      status.replaceChildren(secret(`First token of "${created.id}"`, created.token.token));
      show();
    }
  });
  view.append(h('h1', {}, 'Users'), form, status, listing);
  await show();
}
