/**
 * Login for the client and the audit log for administrators:
 *   POST /auth/login {username, password} → {token, expiresAt, user}   (a session token, shown once)
 *   POST /auth/logout                      (Authorization: Bearer os_…) → 204
 *   GET  /auth/me                          → the principal of the request (anonymous = public)
 *   GET  /admin/audit?actor=&action=&layer=&from=&to=&limit=   (administrators)
 */
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { AppContext } from '../app-context.ts';
import { AppError, BadRequestError } from '../errors.ts';
import { auditAs, principalOf } from '../middleware/security.ts';
import { pickParams } from '../query-params.ts';
import { parseAuditQuery, queryAudit } from '../services/audit.ts';
import { AuthError } from '../services/auth-tokens.ts';
import { BEARER } from '../services/principal.ts';
import { login, logout, userInfo } from '../services/users.ts';

/** Failed sign-ins allowed per user name, and per client address, within LOCKOUT_MINUTES. */
const MAX_FAILURES_PER_USER = 10;
const MAX_FAILURES_PER_IP = 50;
const LOCKOUT_MINUTES = 15;

export function authRoutes({ pool }: AppContext): Router {
  const router = new Router();
  const parseBody = bodyParser({ enableTypes: ['json'], jsonLimit: '4kb' });

  router.post('/auth/login', parseBody, async (koa) => {
    pickParams(koa.query, []);
    const body = koa.request.body as { username?: unknown; password?: unknown } | undefined;
    const username = body?.username;
    const password = body?.password;
    if (typeof username !== 'string' || typeof password !== 'string' || !username || !password || username.length > 64 || password.length > 256)
      throw new BadRequestError('请提供用户名和密码 / send {"username": …, "password": …}');
    // Guessing is throttled per user name and per address from the audit log itself.
    const { rows } = await pool.query<{ by_user: number; by_ip: number }>(
      `SELECT count(*) FILTER (WHERE detail->>'username' = $1)::int AS by_user, count(*) FILTER (WHERE client_ip = $2::inet)::int AS by_ip
         FROM audit.events WHERE action = 'login_failed' AND at > now() - make_interval(mins => $3)`,
      [username, koa.ip || null, LOCKOUT_MINUTES],
    );
    if (rows[0]!.by_user >= MAX_FAILURES_PER_USER || rows[0]!.by_ip >= MAX_FAILURES_PER_IP) {
      auditAs(koa, 'login_failed', { username: username.slice(0, 64), throttled: true });
      koa.set('Retry-After', String(LOCKOUT_MINUTES * 60));
      throw new AppError(429, 'TooManyAttempts', `登录失败次数过多,请 ${LOCKOUT_MINUTES} 分钟后再试 / too many failed sign-ins; try again in ${LOCKOUT_MINUTES} minutes`);
    }
    const session = await login(pool, username, password, koa.ip || undefined);
    if (!session) {
      auditAs(koa, 'login_failed', { username: username.slice(0, 64) });
      throw new AuthError(401, '用户名或密码错误,或账号已停用 / wrong user name or password, or the account is disabled');
    }
    const u = session.user;
    koa.state['auditPrincipal'] = { via: 'session', name: u.username, role: u.role, department: u.department, userId: u.id };
    auditAs(koa, 'login');
    koa.set('Cache-Control', 'no-store');
    koa.body = session;
  });

  router.post('/auth/logout', async (koa) => {
    pickParams(koa.query, []);
    const m = BEARER.exec(koa.get('Authorization'));
    if (!m || !m[1]!.startsWith('os_')) throw new AuthError(401, '需要登录会话 / a login session is required: Authorization: Bearer os_…');
    await logout(pool, m[1]!);
    auditAs(koa, 'logout');
    koa.status = 204;
  });

  router.get('/auth/me', async (koa) => {
    pickParams(koa.query, []);
    const p = principalOf(koa);
    const user = p.userId !== null ? await userInfo(pool, p.userId) : undefined;
    koa.set('Cache-Control', 'no-store');
    koa.body = { name: p.name, role: p.role, department: p.department, via: p.via, ...(user ? { displayName: user.displayName } : {}) };
  });

  router.get('/admin/audit', async (koa) => {
    const p = principalOf(koa);
    if (p.role === 'public') throw new AuthError(401, '需要管理员登录 / an administrator must sign in');
    if (p.role !== 'admin') throw new AuthError(403, '仅管理员可查看审计日志 / only administrators may read the audit log');
    const q = parseAuditQuery(pickParams(koa.query, ['actor', 'action', 'layer', 'from', 'to', 'limit']));
    auditAs(koa, 'admin', { audit: true });
    koa.set('Cache-Control', 'no-store');
    koa.body = { events: await queryAudit(pool, q) };
  });

  return router;
}
