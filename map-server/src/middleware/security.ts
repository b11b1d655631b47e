/**
 * Who is asking, what they may see, and the audit trail — for every Koa request.
 * Sets `koa.state.principal` (anonymous = public) and `koa.state.plans` (the plans as this
 * principal may see them: secure-plans.ts). After the response it writes one audit row for a
 * write (any non-GET method) or for a read that touched non-public layers (routes report the
 * layers they served with `noteAccess`).
 */
import type { Context, Middleware } from 'koa';
import type { LayerSpec } from '@onemap/geodata/catalog';
import type { Pool } from '../db.ts';
import { AuthError } from '../services/auth-tokens.ts';
import { writeAudit, type AuditAction } from '../services/audit.ts';
import type { Plans } from '../services/layer-plans.ts';
import { ANONYMOUS, BEARER, principalOfToken, type Principal } from '../services/principal.ts';
import type { SecurePlans } from '../services/secure-plans.ts';
import type { Logger } from 'pino';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const LEVEL = { public: 0, internal: 1, restricted: 2 } as const;

/** The principal of a request (anonymous before the middleware ran). */
export function principalOf(koa: Context): Principal {
  return (koa.state['principal'] as Principal | undefined) ?? ANONYMOUS;
}

/** The plans this request's principal may see. */
export function viewOf(koa: Context): Plans {
  const view = koa.state['plans'] as Plans | undefined;
  if (!view) throw new Error('security middleware not installed');
  return view;
}

/**
 * Records that this request served these layers (non-public ones are audited). A public layer
 * that the public sees only desensitised (pipe_segments, user_points) is non-public data for a
 * caller who sees more of it: audited as internal.
 */
export function noteAccess(koa: Context, specs: Iterable<Pick<LayerSpec, 'id' | 'classification'>>): void {
  let set = koa.state['auditLayers'] as Map<string, LayerSpec['classification']> | undefined;
  const finer = koa.state['finerThanPublic'] as ReadonlySet<string> | undefined;
  for (const s of specs) {
    const level = s.classification !== 'public' ? s.classification : finer?.has(s.id) ? 'internal' : undefined;
    if (!level) continue;
    if (!set) koa.state['auditLayers'] = set = new Map();
    set.set(s.id, level);
  }
}

/** Lets a route name its own audit action (login, logout, admin) instead of the default. */
export function auditAs(koa: Context, action: AuditAction, detail?: Record<string, string | number | boolean | null>): void {
  koa.state['auditAction'] = action;
  if (detail) koa.state['auditDetail'] = detail;
}

export function security(pool: Pool, secure: SecurePlans, logger: Logger): Middleware {
  // Layers with public desensitisation rules: anyone else reading them sees more than the public.
  const desensitisedForPublic: ReadonlySet<string> = new Set(secure.rules.filter((r) => r.audience === 'public').map((r) => r.layerId));
  return async (koa, next) => {
    const header = koa.get('Authorization');
    let principal = ANONYMOUS;
    if (header) {
      const m = BEARER.exec(header);
      const found = m ? await principalOfToken(pool, m[1]!) : undefined;
      if (!found) throw new AuthError(401, '令牌无效、过期或已撤销 / the bearer token is unknown, expired or revoked');
      principal = found;
    }
    koa.state['principal'] = principal;
    koa.state['plans'] = secure.viewFor(principal);
    if (principal.role !== 'public') koa.state['finerThanPublic'] = desensitisedForPublic;
    let status = 500;
    try {
      await next();
      status = koa.status;
      // What a signed-in caller gets is for them only: never stored by a shared cache (proxy).
      if (principal.via !== 'anonymous') {
        const cc = koa.response.get('Cache-Control');
        if (!/\b(private|no-store)\b/.test(cc)) koa.set('Cache-Control', cc ? `private, ${cc}` : 'private, no-cache');
        koa.vary('Authorization');
      }
    } catch (err) {
      status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 500;
      throw err;
    } finally {
      const layers = koa.state['auditLayers'] as Map<string, LayerSpec['classification']> | undefined;
      const named = koa.state['auditAction'] as AuditAction | undefined;
      const write = !READ_METHODS.has(koa.method);
      if (named || write || layers?.size) {
        const level = layers?.size ? [...layers.values()].reduce((a, b) => (LEVEL[b] > LEVEL[a] ? b : a)) : undefined;
        // The principal may have changed during the request (login): audit who it is now.
        const who = (koa.state['auditPrincipal'] as Principal | undefined) ?? principal;
        await writeAudit(pool, {
          principal: who,
          action: named ?? (write ? 'write' : 'read'),
          method: koa.method,
          path: koa.path,
          status,
          ...(layers?.size ? { layers: [...layers.keys()] } : {}),
          ...(level ? { classification: level } : {}),
          ...(koa.state['auditDetail'] ? { detail: koa.state['auditDetail'] as Record<string, string> } : {}),
          requestId: String(koa.state['requestId'] ?? ''),
          clientIp: koa.ip,
        }).catch((err: unknown) => logger.error({ err, requestId: koa.state['requestId'] }, 'audit write failed'));
      }
    }
  };
}
