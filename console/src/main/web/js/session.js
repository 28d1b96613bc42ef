// The signed-in token and what the console may show for its role. The gateway decides what a caller may do;
// the role read here only hides controls that would be refused anyway.

const KEY = 'marketprism.token';
const RANK = { reader: 1, operator: 2, admin: 3 };

export function token() {
  return sessionStorage.getItem(KEY);
}

export function signIn(value) {
  sessionStorage.setItem(KEY, value);
}

export function signOut() {
  sessionStorage.removeItem(KEY);
}

/** The JWT's claims; an API key (mpk_…) or an unreadable token has none and is treated as a reader. */
export function claims() {
  const value = token();
  const parts = value ? value.split('.') : [];
  if (parts.length !== 3) return { role: 'reader', sub: 'API key' };
  try {
    const json = atob(parts[1].replace(/-/g, '+').replace(/_/g, '/'));
    const parsed = JSON.parse(json);
    return { role: RANK[parsed.role] ? parsed.role : 'reader', sub: parsed.sub || '?' };
  } catch (e) {
    return { role: 'reader', sub: '?' };
  }
}

/** True when the signed-in role is at least `role` (reader < operator < admin). */
export function may(role) {
  return RANK[claims().role] >= RANK[role];
}
