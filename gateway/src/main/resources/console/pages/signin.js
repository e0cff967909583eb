// Signing in: the token is checked against the gateway before it is kept (a 403 still means a valid, narrower
// token); whether it is the admin's only decides which pages the navigation offers.
import { ApiError, get, session } from '../api.js';
import { field, h } from '../dom.js';
import { errorBox } from '../widgets.js';

async function isAdmin(token) {
  try {
    await get('/api/users/', token);
    return true;
  } catch {
    return false;
  }
}

export async function signin(view) {
  const input = h('input', { type: 'password', id: 'token', autocomplete: 'off', required: true,
    placeholder: 'mnemo_…', class: 'wide' });
  const status = h('div', { id: 'signin-status' });
  const form = h('form', { id: 'signin', class: 'card grid' },
    field('Bearer token', input),
    h('button', { type: 'submit' }, 'Sign in'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const token = input.value.trim();
    status.replaceChildren(h('span', { class: 'hint' }, 'Checking…'));
    try {
      await get('/library/api/libraries/?limit=1', token);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 403) {
        status.replaceChildren(errorBox(error));
        return;
      }
    }
    session.signIn(token, await isAdmin(token));
    location.hash = '#/search';
  });
  view.append(
    h('h1', {}, 'Sign in'),
    h('p', { class: 'hint' }, 'Paste a Mnemo bearer token (the admin token printed by ./mnemo serve, or one made '
      + 'under Tokens). It stays in this browser tab only and is sent to this gateway as an Authorization header; '
      + 'the console can do exactly what the token can.'),
    form, status);
  input.focus();
}
