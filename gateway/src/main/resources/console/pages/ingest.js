// Uploading a document: the upload route waits for its ingest job for a while, so while it is pending the page
// follows the library's newest job (by polling the job listing), and afterwards the job itself until it is done.
import { get, id, post, withQuery } from '../api.js';
import { field, h, link, when } from '../dom.js';
import { errorBox, librarySelect } from '../widgets.js';

const FINAL = ['completed', 'failed', 'stale'];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function jobView(job) {
  const progress = job.progress ?? {};
  return h('div', { class: 'job card', 'data-job': job.id },
    h('p', {}, 'Job ', h('code', {}, job.id), ' · ', h('strong', { class: `job-status ${job.status}` }, job.status),
      ` · attempt ${job.attempts ?? 0} of ${job.max_attempts ?? '?'}`),
    h('progress', { max: progress.total ?? 1, value: job.status === 'completed' ? progress.total ?? 1
      : progress.done ?? 0 }),
    h('p', { class: 'meta' }, `${job.title ?? ''} (${job.file_type ?? ''}) · chunks ${job.chunks_created ?? 0}`
      + ` · concepts ${job.concepts_extracted ?? 0} · started ${when(job.started_at)}`
      + ` · finished ${when(job.finished_at)}`),
    job.error ? h('p', { class: 'status error' }, job.error) : null,
    job.item_uid ? link('Open the item', 'item', job.item_uid) : null);
}

async function jobIds(library) {
  const page = await get(withQuery('/library/api/jobs/', { library_uid: library, limit: 50 }));
  return new Set(page.results.map((job) => job.id));
}

/** Shows the library's newest job that was not there before, until {@code pending} settles. */
async function follow(box, library, before, pending) {
  let settled = false;
  pending.finally(() => { settled = true; });
  while (!settled) {
    await sleep(700);
    const page = await get(withQuery('/library/api/jobs/', { library_uid: library, limit: 5 })).catch(() => null);
    const mine = page?.results.find((job) => !before.has(job.id));
    if (mine && !settled) box.replaceChildren(jobView(mine));
  }
}

async function untilDone(box, job) {
  let current = job;
  box.replaceChildren(jobView(current));
  while (!FINAL.includes(current.status)) {
    await sleep(1000);
    current = await get(`/library/api/jobs/${id(current.id)}/`);
    box.replaceChildren(jobView(current));
  }
}

export async function ingest(view) {
  const form = h('form', { id: 'upload-form', class: 'card grid' },
    field('Library', await librarySelect({ name: 'library_uid', required: true })),
    field('Collection (name, optional)', h('input', { name: 'collection', maxlength: 200 })),
    field('File', h('input', { type: 'file', name: 'file', id: 'file', required: true })),
    h('button', { type: 'submit' }, 'Upload and ingest'));
  const box = h('div', { id: 'job' });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const e = form.elements;
    const library = e.library_uid.value;
    const data = new FormData();
    data.set('library_uid', library);
    if (e.collection.value.trim()) data.set('collection', e.collection.value.trim());
    data.set('file', e.file.files[0]);
    box.replaceChildren(h('p', { class: 'hint' }, 'Uploading…'));
    try {
      const before = await jobIds(library);
      const pending = post('/library/api/items/', data);
      follow(box, library, before, pending);
      const answer = await pending;
      await untilDone(box, answer.job);
    } catch (error) {
      box.append(errorBox(error));
    }
  });
  const s3 = h('form', { id: 's3-form', class: 'card grid' },
    field('Library', await librarySelect({ name: 'library_uid', required: true })),
    field('S3 key', h('input', { name: 's3_key', id: 's3-key', required: true, maxlength: 1024,
      placeholder: 'reports/2026/survey.pdf' })),
    field('Source bucket (name, optional)', h('input', { name: 'source', maxlength: 50 })),
    field('Collection (name, optional)', h('input', { name: 'collection', maxlength: 200 })),
    h('button', { type: 'submit' }, 'Ingest from S3'));
  s3.addEventListener('submit', async (event) => {
    event.preventDefault();
    const e = s3.elements;
    const body = { library_uid: e.library_uid.value, s3_key: e.s3_key.value.trim() };
    if (e.source.value.trim()) body.source = e.source.value.trim();
    if (e.collection.value.trim()) body.collection = e.collection.value.trim();
    box.replaceChildren(h('p', { class: 'hint' }, 'Queuing…'));
    try {
      await untilDone(box, await post('/library/api/ingest/', body));
    } catch (error) {
      box.append(errorBox(error));
    }
  });
  view.append(h('h1', {}, 'Ingest'),
    h('p', { class: 'hint' }, 'PDF, DOCX, PPTX, HTML, Markdown, text, JSON, CSV, RTF or ODT, into a library you '
      + 'own. The upload becomes an ingest job; its progress shows below.'),
    form,
    h('h2', {}, 'From an S3 source bucket'),
    h('p', { class: 'hint' }, 'A key of a source bucket your account may read (MNEMO_SOURCE_<NAME>_PRINCIPALS); '
      + 'the gateway reads it, and an ingest job follows as for an upload.'),
    s3, box);
}
