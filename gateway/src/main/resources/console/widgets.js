// Pieces several pages share: error messages, paged tables, the library picker.
import { ApiError, get, withQuery } from './api.js';
import { addRows, button, h, table } from './dom.js';

const HINTS = {
  401: 'The gateway did not accept this token. Sign in again with a valid one.',
  403: 'This token may not do that (its scopes, libraries or role).',
  404: 'Not found — or not yours: the gateway answers 404 for what this token cannot see.',
  429: 'Too many requests for this token; wait a moment.',
};

/** A message naming the gateway's code and detail, with the request id to quote. */
export function errorBox(error) {
  if (!(error instanceof ApiError)) return h('p', { class: 'status error' }, `Error: ${error.message}`);
  return h('div', { class: 'status error', role: 'alert' },
    h('strong', {}, `${error.status} ${error.code}`), ': ', error.message,
    HINTS[error.status] ? h('div', { class: 'hint' }, HINTS[error.status]) : null,
    error.requestId ? h('div', { class: 'hint' }, `request id ${error.requestId}`) : null);
}

/** Runs an action for a button or form, showing its failure (or success text) in {@code status}. */
export async function attempt(status, action, done) {
  status.replaceChildren(h('span', { class: 'hint' }, 'Working…'));
  try {
    const result = await action();
    status.replaceChildren(done ? h('span', { class: 'status ok' }, done) : '');
    return result;
  } catch (error) {
    status.replaceChildren(errorBox(error));
    return undefined;
  }
}

/** A table filled page by page from a listing route ({results, next_offset}), with a "More" button. */
export async function pagedTable(path, params, columns, attrs = {}) {
  const first = await get(withQuery(path, { ...params, limit: 50 }));
  const t = table(columns, first.results, attrs);
  const wrapper = h('div', {}, t);
  let next = first.next_offset;
  const more = button('More', async () => {
    const page = await get(withQuery(path, { ...params, limit: 50, offset: next }));
    addRows(t, columns, page.results);
    next = page.next_offset;
    if (next == null) more.remove();
  });
  if (next != null) wrapper.append(more);
  if (first.results.length === 0) wrapper.append(h('p', { class: 'hint' }, 'Nothing here yet.'));
  return wrapper;
}

/** A select of the caller's libraries (workspace libraries included); {@code any} adds an "all" entry. */
export async function librarySelect(attrs, any) {
  const page = await get('/library/api/libraries/?include_workspace=true&with_item_count=false&limit=200');
  return h('select', attrs,
    any ? h('option', { value: '' }, any) : null,
    page.results.map((library) => h('option', { value: library.uid }, `${library.name} (${library.library_type})`)));
}

export const LIBRARY_TYPES = ['fiction', 'nonfiction', 'technical', 'music', 'film', 'art', 'journal', 'business',
  'finance'];

/** Splits "a, b" into ["a", "b"]; blank gives undefined (the field is left out and inherited). */
export function names(text) {
  const trimmed = text.trim();
  return trimmed ? trimmed.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
}
