// Login: the token is checked with one real call before the console opens, so a bad token is refused here, in words.
import { get } from '../api.js';
import { h, replace } from '../dom.js';
import { signIn, signOut } from '../session.js';

export function loginPage(root, onSignedIn, reason) {
  const input = h('textarea', { id: 'token', placeholder: 'Bearer token or API key', autocomplete: 'off', spellcheck: 'false' });
  const error = h('p', { id: 'login-error', class: 'error', role: 'alert' }, reason || '');
  const button = h('button', { id: 'login', type: 'submit' }, 'Log in');
  const form = h('form', { id: 'login-form', class: 'panel login' },
    h('h2', {}, 'Log in'),
    h('p', { class: 'muted' }, 'Paste a token from ', h('code', {}, './marketprism token --role reader'),
      ' (or operator, admin), or an API key.'),
    input, h('p', {}, button), error);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = input.value.trim().replace(/^Bearer\s+/i, '');
    if (!value) {
      error.textContent = 'Paste a token first.';
      return;
    }
    button.disabled = true;
    error.textContent = '';
    signIn(value);
    try {
      await get('/v1/registry/instances', { query: { page_size: 1 }, what: 'log in' });
      onSignedIn();
    } catch (e) {
      // any answer but 401 means the gateway accepted the token (a missing registry is not a login problem)
      if (e.status === 401 || e.status === 0) {
        signOut();
        error.textContent = e.status === 401 ? `That token was refused: ${e.detail}` : e.message;
      } else {
        onSignedIn();
      }
    } finally {
      button.disabled = false;
    }
  });
  replace(root, form);
  input.focus();
}
