/**
 * The editor token lives in sessionStorage: it survives a reload of the tab but not closing it,
 * is never put in the URL (links get shared) and never in localStorage (shared computers).
 */
const KEY = 'onemap.editToken';

export function readEditToken(): string {
  try {
    return window.sessionStorage.getItem(KEY) ?? '';
  } catch {
    // Storage disabled (privacy settings): the token lasts as long as the page.
    return '';
  }
}

export function writeEditToken(token: string): void {
  try {
    if (token) window.sessionStorage.setItem(KEY, token);
    else window.sessionStorage.removeItem(KEY);
  } catch {
    // Storage disabled: the token stays in memory only.
    return;
  }
}
