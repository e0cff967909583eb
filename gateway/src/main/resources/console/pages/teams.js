// Teams: agents' long-lived JWTs for a set of workspaces. A JWT is shown once, when made or rotated.
import { del, get, id, post, put } from '../api.js';
import { button, field, h, list, secret, short } from '../dom.js';
import { attempt, names } from '../widgets.js';

export async function teams(view) {
  const listing = h('div');
  const status = h('div');
  async function show() {
    const page = await get('/mcp_server/api/teams/');
    const rows = page.results.map((t) => {
      const workspaces = h('input', { value: list(t.workspace_ids), placeholder: 'workspace ids, comma separated',
        'aria-label': `workspaces of ${t.name}` });
      const state = t.deleted ? 'deleted' : t.active ? 'active' : 'inactive';
      return h('tr', {},
        h('td', {}, h('code', {}, t.id)), h('td', {}, t.name), h('td', {}, state),
        h('td', {}, t.deleted ? list(t.workspace_ids) : [workspaces, button('Save', async () => {
          if (await attempt(status, () => put(`/mcp_server/api/teams/${id(t.id)}/workspaces/`,
            { workspace_ids: names(workspaces.value) ?? [] }), 'Workspaces saved.')) show();
        })]),
        h('td', {}, h('code', {}, short(t.active_jti))),
        h('td', {}, t.deleted ? '' : [
          button('Rotate JWT', async () => {
            const rotated = await attempt(status, () => post(`/mcp_server/api/teams/${id(t.id)}/rotate/`));
            if (rotated) status.replaceChildren(secret(`New JWT of team "${rotated.name}"`, rotated.jwt));
          }), ' ',
          button('Delete', async () => {
            if (!confirm(`Delete team "${t.name}"? Its JWT stops working at once.`)) return;
            if (await attempt(status, () => del(`/mcp_server/api/teams/${id(t.id)}/`).then(() => true),
              'Deleted.')) show();
          }, { class: 'danger' })]));
    });
    listing.replaceChildren(h('table', { class: 'teams' }, h('thead', {}, h('tr', {},
      ['id', 'name', 'state', 'workspaces', 'jti', ''].map((label) => h('th', {}, label)))), h('tbody', {}, rows)));
  }
  const form = h('form', { id: 'team-form', class: 'card grid' },
    field('Id', h('input', { name: 'id', required: true, value: crypto.randomUUID(), maxlength: 128 })),
    field('Name', h('input', { name: 'name', required: true, maxlength: 200 })),
    h('button', { type: 'submit' }, 'Create team'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const created = await attempt(status, () => post('/mcp_server/api/teams/', { id: form.elements.id.value,
      name: form.elements.name.value }));
    if (created) {
      form.reset();
      form.elements.id.value = crypto.randomUUID();
      if (created.jwt) status.replaceChildren(secret(`JWT of team "${created.name}"`, created.jwt));
      show();
    }
  });
  view.append(h('h1', {}, 'Teams'), h('p', { class: 'hint' }, 'Managing teams needs the principal\'s own full '
    + 'token (not a narrowed or derived one).'), form, status, listing);
  await show();
}
