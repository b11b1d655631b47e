import { describe, expect, it } from 'vitest';
import { parseStoredSession, sessionHeaders } from '../src/auth-session.ts';

const token = `os_${'a'.repeat(43)}`;
const stored = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ token, expiresAt: '2026-11-30T08:00:00.000Z', user: { username: 'zj_staff', displayName: '住建员工', role: 'staff', department: 'tz-zj' }, ...extra });
const now = Date.parse('2026-11-29T20:00:00Z');

describe('stored session', () => {
  it('reads a well-formed, unexpired session and turns it into a bearer header', () => {
    const s = parseStoredSession(stored(), now);
    expect(s?.user.username).toBe('zj_staff');
    expect(sessionHeaders(s)).toEqual({ Authorization: `Bearer ${token}` });
  });

  it('forgets expired, malformed or foreign values', () => {
    expect(parseStoredSession(stored(), Date.parse('2026-11-30T08:00:01Z'))).toBeUndefined();
    expect(parseStoredSession(stored({ token: 'om_x' }), now)).toBeUndefined();
    expect(parseStoredSession('{not json', now)).toBeUndefined();
    expect(parseStoredSession(null, now)).toBeUndefined();
    expect(sessionHeaders(undefined, '')).toEqual({});
  });

  it('uses a well-formed editor API token when nobody is signed in, the session first otherwise', () => {
    const api = `om_${'b'.repeat(43)}`;
    expect(sessionHeaders(undefined, api)).toEqual({ Authorization: `Bearer ${api}` });
    expect(sessionHeaders(undefined, 'not a token')).toEqual({});
    expect(sessionHeaders(parseStoredSession(stored(), now), api)).toEqual({ Authorization: `Bearer ${token}` });
  });
});
