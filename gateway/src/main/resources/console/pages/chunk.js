// One chunk: its full text, where it sits (item, library, the chunks before and after) and its concept neighbours.
import { get, id } from '../api.js';
import { h, link } from '../dom.js';
import { neighbours } from './search.js';

export async function chunk(view, uid) {
  const c = await get(`/library/api/chunks/${id(uid)}/`);
  view.append(
    h('p', { class: 'crumbs' }, link(c.library_name ?? 'library', 'library', c.library_uid), ' / ',
      link(c.item_title ?? 'item', 'item', c.item_uid), ' / '),
    h('h1', {}, `Chunk ${c.chunk_index} of ${c.item_title ?? c.item_uid}`),
    h('p', { class: 'meta' }, `characters ${c.char_start}–${c.char_end} · ${c.library_type}`),
    h('p', { class: 'pager' },
      c.previous_uid ? link('← previous', 'chunk', c.previous_uid) : null, ' ',
      c.next_uid ? link('next →', 'chunk', c.next_uid) : null),
    h('pre', { class: 'chunk-text' }, c.text),
    h('h2', {}, 'Concept neighbours'),
    neighbours(uid));
}
