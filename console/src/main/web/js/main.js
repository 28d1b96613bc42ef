// The console's shell: login, the three pages behind hash routes, and one banner for errors in words.
import { marketPage } from './pages/market.js';
import { healthPage } from './pages/health.js';
import { operationsPage } from './pages/operations.js';
import { loginPage } from './pages/login.js';
import { claims, signOut, token } from './session.js';

const PAGES = { market: marketPage, health: healthPage, operations: operationsPage };
const root = document.getElementById('page');
const banner = document.getElementById('banner');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
const logout = document.getElementById('logout');
let leave = () => {};
let bannerTimer;

const ui = {
  warn(message) { show(message, ''); },
  info(message) { show(message, 'info'); },
};

function show(message, kind) {
  banner.textContent = message;
  banner.className = `banner ${kind}`;
  banner.hidden = false;
  clearTimeout(bannerTimer);
  bannerTimer = setTimeout(() => { banner.hidden = true; }, 15000);
}

function route() {
  leave();
  leave = () => {};
  if (!token()) {
    nav.hidden = true;
    logout.hidden = true;
    who.textContent = '';
    loginPage(root, () => { if (location.hash === '#/market' || !location.hash) route(); else location.hash = '#/market'; });
    return;
  }
  const { role, sub } = claims();
  who.textContent = `${sub} · ${role}`;
  who.dataset.role = role;
  nav.hidden = false;
  logout.hidden = false;
  const name = (location.hash.match(/^#\/(\w+)/) || [])[1] || 'market';
  const page = PAGES[name] || marketPage;
  for (const link of nav.querySelectorAll('a')) link.classList.toggle('active', link.dataset.page === name);
  try {
    leave = page(root, ui) || (() => {});
  } catch (e) {
    root.textContent = `This page failed to open: ${e.message}. Reload, or try another page.`;
  }
}

// whatever goes wrong later is said in the banner, never a blank page
window.addEventListener('error', (event) => ui.warn(`Something went wrong in the console: ${event.message}`));
window.addEventListener('unhandledrejection', (event) => ui.warn(`Something went wrong: ${event.reason && event.reason.message ? event.reason.message : event.reason}`));
window.addEventListener('hashchange', route);
logout.addEventListener('click', () => { signOut(); location.hash = ''; route(); });
route();
