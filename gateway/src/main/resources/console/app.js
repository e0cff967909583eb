// The console's shell: hash routes (#/page/arg), the navigation, and signing out. Pages render into a fresh
// container, so a slow answer for a page the operator already left lands nowhere.
import { session } from './api.js';
import { h, link } from './dom.js';
import { errorBox } from './widgets.js';
import { signin } from './pages/signin.js';
import { search } from './pages/search.js';
import { collection, item, libraries, library } from './pages/browse.js';
import { chunk } from './pages/chunk.js';
import { ingest } from './pages/ingest.js';
import { jobs } from './pages/jobs.js';
import { memory } from './pages/memory.js';
import { tokens } from './pages/tokens.js';
import { teams } from './pages/teams.js';
import { users } from './pages/users.js';
import { health } from './pages/health.js';

const PAGES = { signin, search, libraries, library, collection, item, chunk, ingest, jobs, memory, tokens, teams,
  users, health };
const NAV = [['Search', 'search'], ['Libraries', 'libraries'], ['Ingest', 'ingest'], ['Jobs', 'jobs'],
  ['Memory', 'memory'], ['Tokens', 'tokens'], ['Teams', 'teams'], ['Users', 'users'], ['Health', 'health']];

function navigation(current) {
  const nav = document.getElementById('nav');
  if (!session.token()) {
    nav.replaceChildren();
    return;
  }
  const entries = NAV.filter(([, page]) => page !== 'users' || session.admin()).map(([label, page]) => {
    const a = link(label, page);
    if (page === current) a.className = 'current';
    return a;
  });
  const signOut = h('a', { href: '#/signin', id: 'signout', onclick: () => session.signOut() }, 'Sign out');
  nav.replaceChildren(...entries, signOut);
}

async function render() {
  const [name, ...args] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const page = session.token() ? PAGES[name] ?? search : signin;
  const pageName = Object.keys(PAGES).find((key) => PAGES[key] === page);
  navigation(pageName);
  const view = h('section', { class: 'page', id: `page-${pageName}` });
  document.getElementById('main').replaceChildren(view);
  try {
    await page(view, ...args);
  } catch (error) {
    view.append(errorBox(error));
  }
}

window.addEventListener('hashchange', render);
render();
