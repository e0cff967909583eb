// Libraries → collections → items → chunks, each level a listing route of the REST API, with delete where the
// token may change things (the gateway decides; a refusal is shown as it answers).
import { del, get, id, post } from '../api.js';
import { button, field, h, link, when } from '../dom.js';
import { attempt, errorBox, LIBRARY_TYPES, pagedTable } from '../widgets.js';

/** A delete button: asks first, then goes to {@code after} (a hash) or shows the refusal next to it. */
function deleteButton(what, path, after) {
  const status = h('span');
  const b = button(`Delete ${what}`, async () => {
    if (!confirm(`Delete this ${what} with everything in it?`)) return;
    try {
      await del(path);
      if (location.hash === after) dispatchEvent(new HashChangeEvent('hashchange'));
      else location.hash = after;
    } catch (error) {
      status.replaceChildren(errorBox(error));
    }
  }, { class: 'danger' });
  return h('span', {}, b, status);
}

function createLibraryForm() {
  const status = h('div');
  const form = h('form', { id: 'library-form', class: 'card grid' },
    field('Name', h('input', { name: 'name', required: true, maxlength: 200 })),
    field('Type', h('select', { name: 'library_type' }, LIBRARY_TYPES.map((t) => h('option', { value: t }, t)))),
    field('Description', h('input', { name: 'description', maxlength: 2000 })),
    h('button', { type: 'submit' }, 'Create library'), status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const e = form.elements;
    const created = await attempt(status, () => post('/library/api/libraries/', { name: e.name.value,
      library_type: e.library_type.value, description: e.description.value || undefined }));
    if (created) location.hash = `#/library/${id(created.uid)}`;
  });
  return form;
}

export async function libraries(view) {
  view.append(h('h1', {}, 'Libraries'),
    await pagedTable('/library/api/libraries/', { include_workspace: true }, [
      ['name', (l) => link(l.name, 'library', l.uid)],
      ['type', (l) => l.library_type],
      ['items', (l) => l.item_count ?? ''],
      ['chunks', (l) => l.chunk_count ?? ''],
      ['workspace', (l) => l.workspace_id ?? ''],
      ['description', (l) => l.description ?? ''],
    ], { class: 'libraries' }),
    h('h2', {}, 'New library'), createLibraryForm());
}

export async function library(view, uid) {
  const l = await get(`/library/api/libraries/${id(uid)}/`);
  view.append(
    h('p', { class: 'crumbs' }, link('Libraries', 'libraries'), ' / '),
    h('h1', {}, l.name),
    h('p', { class: 'meta' }, `${l.library_type} · ${l.item_count ?? 0} items · ${l.chunk_count ?? 0} chunks`
      + (l.workspace_id ? ` · workspace ${l.workspace_id}` : '')),
    l.description ? h('p', {}, l.description) : null,
    deleteButton('library', `/library/api/libraries/${id(uid)}/`, '#/libraries'),
    h('h2', {}, 'Collections'),
    await pagedTable('/library/api/collections/', { library_uid: uid }, [
      ['name', (c) => link(c.name, 'collection', c.uid)],
      ['description', (c) => c.description ?? ''],
      ['items', (c) => c.item_count ?? ''],
    ], { class: 'collections' }));
}

function itemColumns() {
  return [
    ['title', (i) => link(i.title ?? i.uid, 'item', i.uid)],
    ['status', (i) => i.embedding_status ?? ''],
    ['chunks', (i) => i.chunk_count],
    ['concepts', (i) => i.concept_count],
    ['type', (i) => i.file_type ?? ''],
    ['created', (i) => when(i.created_at)],
  ];
}

export async function collection(view, uid) {
  const c = await get(`/library/api/collections/${id(uid)}/`);
  view.append(
    h('p', { class: 'crumbs' }, link('Libraries', 'libraries'), ' / ', link('library', 'library', c.library_uid),
      ' / '),
    h('h1', {}, c.name),
    c.description ? h('p', {}, c.description) : null,
    deleteButton('collection', `/library/api/collections/${id(uid)}/`, `#/library/${id(c.library_uid)}`),
    h('h2', {}, 'Items'),
    await pagedTable('/library/api/items/', { collection_uid: uid }, itemColumns(), { class: 'items' }));
}

export async function item(view, uid) {
  const i = await get(`/library/api/items/${id(uid)}/`);
  view.append(
    h('p', { class: 'crumbs' }, link('Libraries', 'libraries'), ' / ', link('library', 'library', i.library_uid),
      ' / ', link('collection', 'collection', i.collection_uid), ' / '),
    h('h1', {}, i.title ?? i.uid),
    h('p', { class: 'meta' }, `${i.file_type ?? ''} · ${i.chunk_count} chunks · ${i.concept_count} concepts · `
      + `${i.embedding_status ?? ''} (${i.embedding_model ?? 'no model'}) · source ${i.source_ref ?? i.source ?? ''}`),
    deleteButton('item', `/library/api/items/${id(uid)}/`, `#/collection/${id(i.collection_uid)}`),
    h('h2', {}, 'Chunks'),
    await pagedTable(`/library/api/items/${id(uid)}/chunks/`, {}, [
      ['#', (c) => link(String(c.chunk_index), 'chunk', c.chunk_uid)],
      ['text', (c) => h('span', { class: 'preview' }, c.text_preview)],
    ], { class: 'chunks' }));
}
