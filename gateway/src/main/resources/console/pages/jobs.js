// Ingest jobs of the token's libraries, filtered by state and library; a failed job can be queued again.
import { id, post } from '../api.js';
import { button, field, h, link, short, when } from '../dom.js';
import { attempt, errorBox, librarySelect, pagedTable } from '../widgets.js';

const STATES = ['queued', 'processing', 'completed', 'failed', 'stale'];

export async function jobs(view) {
  const filter = h('form', { id: 'jobs-filter', class: 'card grid' },
    field('State', h('select', { name: 'status' }, h('option', { value: '' }, 'any'),
      STATES.map((s) => h('option', { value: s }, s)))),
    field('Library', await librarySelect({ name: 'library_uid' }, 'any')),
    h('button', { type: 'submit' }, 'Show'));
  const listing = h('div');
  const status = h('div');
  async function show() {
    const query = { status: filter.elements.status.value, library_uid: filter.elements.library_uid.value };
    listing.replaceChildren(await pagedTable('/library/api/jobs/', query, [
      ['job', (j) => h('code', { title: j.id }, short(j.id))],
      ['title', (j) => (j.item_uid ? link(j.title ?? j.item_uid, 'item', j.item_uid) : j.title ?? '')],
      ['state', (j) => h('span', { class: `job-status ${j.status}` }, j.status)],
      ['attempts', (j) => `${j.attempts ?? 0}/${j.max_attempts ?? '?'}`],
      ['chunks', (j) => j.chunks_created ?? ''],
      ['error', (j) => j.error ?? ''],
      ['created', (j) => when(j.created_at)],
      ['', (j) => (j.status === 'failed' ? button('Retry', async () => {
        if (await attempt(status, () => post(`/library/api/jobs/${id(j.id)}/retry/`), 'Queued again.')) show();
      }) : '')],
    ], { class: 'jobs' }));
  }
  filter.addEventListener('submit', (event) => {
    event.preventDefault();
    show().catch((error) => status.replaceChildren(errorBox(error)));
  });
  view.append(h('h1', {}, 'Jobs'), filter, status, listing);
  await show();
}
