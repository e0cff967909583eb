// The search playground: every option of POST /library/api/search/, and each result with its rank and raw score
// in every leg, its text, and its neighbours in the concept graph on demand.
import { get, id, post } from '../api.js';
import { button, field, h, link, table } from '../dom.js';
import { attempt, librarySelect, LIBRARY_TYPES } from '../widgets.js';

const LEGS = ['vector', 'fulltext', 'graph'];
const DEFAULT_WEIGHTS = { vector: 1, fulltext: 0.2, graph: 0.1 };

function request(form) {
  const value = (name) => form.elements[name].value.trim();
  const body = { query: value('query'), limit: Number(value('limit')) || 10, group_by: value('group_by'),
    rerank: form.elements.rerank.checked,
    search_types: LEGS.filter((leg) => form.elements[`leg-${leg}`].checked) };
  for (const name of ['library_uid', 'library_type', 'collection_uid']) if (value(name)) body[name] = value(name);
  const weights = {};
  for (const leg of LEGS) if (value(`weight-${leg}`) !== '') weights[leg] = Number(value(`weight-${leg}`));
  if (Object.keys(weights).length) body.weights = weights;
  if (body.group_by === 'item' && value('evidence')) body.evidence = Number(value('evidence'));
  return body;
}

/** Each leg that saw the candidate: its rank there and its raw score (relative for full-text and graph). */
function legs(candidate) {
  const ranks = candidate.ranks ?? {};
  const scores = candidate.raw_scores ?? {};
  const names = [...new Set([...Object.keys(ranks), ...Object.keys(scores)])];
  return table([['leg', (leg) => leg], ['rank', (leg) => ranks[leg] ?? '—'],
    ['raw score', (leg) => (typeof scores[leg] === 'number' ? scores[leg].toFixed(4) : '—')]],
  names, { class: 'legs' });
}

export function neighbours(chunkUid) {
  const box = h('div', { class: 'neighbours' });
  attempt(box, () => get(`/library/api/chunks/${id(chunkUid)}/neighbors/?limit=15`)).then((result) => {
    if (!result) return;
    box.replaceChildren(result.neighbors.length === 0 ? h('p', { class: 'hint' }, 'No neighbours in scope.')
      : table([['kind', (n) => n.kind],
        ['name', (n) => (n.kind === 'chunk' ? link(n.name ?? n.uid, 'chunk', n.uid) : n.name)],
        ['depth', (n) => n.depth], ['weight', (n) => (n.weight == null ? '' : Number(n.weight).toFixed(3))],
        ['via', (n) => n.via ?? '']], result.neighbors));
  });
  return box;
}

function result(candidate, index) {
  const extra = h('div');
  return h('article', { class: 'result' },
    h('header', {},
      h('span', { class: 'position' }, `#${index + 1}`), ' ',
      link(candidate.item_title ?? candidate.item_uid, 'item', candidate.item_uid),
      h('span', { class: 'meta' }, ` · ${candidate.library_type ?? ''} · chunk ${candidate.chunk_index}`
        + ` · score ${Number(candidate.score).toFixed(4)} · best leg ${candidate.source ?? '—'}`)),
    h('div', { class: 'result-body' },
      legs(candidate),
      h('p', { class: 'preview' }, candidate.text_preview)),
    candidate.evidence ? h('ul', { class: 'evidence' }, candidate.evidence.map((e) => h('li', {},
      link(`chunk ${e.chunk_index}`, 'chunk', e.chunk_uid), ` (${Number(e.score).toFixed(4)}): `, e.text_preview)))
      : null,
    h('div', { class: 'actions' },
      link('Open chunk', 'chunk', candidate.chunk_uid), ' ',
      button('Concept neighbours', () => extra.replaceChildren(neighbours(candidate.chunk_uid)))),
    extra);
}

function summary(response) {
  const reranker = response.reranker_used ? `reranked by ${response.reranker_model}`
    : `not reranked${response.reranker_note ? ` (${response.reranker_note})` : ''}`;
  const count = response.total_candidates === 1 ? '1 result' : `${response.total_candidates} results`;
  return h('p', { class: 'summary' }, `${count} in ${response.search_time_ms} ms · legs `
    + `${response.search_types_used.join(', ')} · ${reranker}`);
}

export async function search(view) {
  const form = h('form', { id: 'search-form', class: 'card grid' },
    field('Query', h('input', { name: 'query', id: 'q', required: true, maxlength: 4000, class: 'wide' })),
    field('Library', await librarySelect({ name: 'library_uid' }, 'All my libraries')),
    field('Library type', h('select', { name: 'library_type' }, h('option', { value: '' }, 'any'),
      LIBRARY_TYPES.map((type) => h('option', { value: type }, type)))),
    field('Collection uid', h('input', { name: 'collection_uid', placeholder: 'optional' })),
    h('fieldset', {}, h('legend', {}, 'Legs and weights'), LEGS.map((leg) => h('span', { class: 'leg' },
      h('label', {}, h('input', { type: 'checkbox', name: `leg-${leg}`, checked: leg !== 'graph' }), ` ${leg}`),
      h('input', { type: 'number', name: `weight-${leg}`, min: 0, max: 10, step: 0.05, class: 'narrow',
        placeholder: String(DEFAULT_WEIGHTS[leg]), title: `weight of the ${leg} leg (blank: default)` })))),
    field('Group by', h('select', { name: 'group_by' }, h('option', { value: 'chunk' }, 'chunk'),
      h('option', { value: 'item' }, 'item (document)'))),
    field('Evidence per item', h('input', { type: 'number', name: 'evidence', min: 1, max: 20, value: '3',
      class: 'narrow' })),
    field('Limit', h('input', { type: 'number', name: 'limit', min: 1, max: 200, value: '10', class: 'narrow' })),
    h('label', {}, h('input', { type: 'checkbox', name: 'rerank', checked: true }), ' rerank (when configured)'),
    h('button', { type: 'submit' }, 'Search'));
  const results = h('div', { id: 'results' });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const response = await attempt(results, () => post('/library/api/search/', request(form)));
    if (response) {
      results.replaceChildren(summary(response), ...response.candidates.map(result));
    }
  });
  view.append(h('h1', {}, 'Search'), form, results);
  form.elements.query.focus();
}
