/**
 * Typed errors with a stable code, and the one table that maps them (and PostgreSQL SQLSTATEs)
 * to HTTP (house style §6). Bodies are RFC 9457 problem+json plus the OGC API Features 1.0
 * exception members {code, description} so both generations of clients read them.
 */

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }
}

export class BadRequestError extends AppError {
  override readonly name = 'BadRequestError';
  constructor(message: string, details?: Readonly<Record<string, unknown>>) {
    super(400, 'InvalidParameterValue', message, details);
  }
}

export class UnknownParameterError extends AppError {
  override readonly name = 'UnknownParameterError';
  constructor(names: readonly string[], allowed: readonly string[]) {
    super(400, 'UnknownParameter', `unknown query parameter(s): ${names.join(', ')}`, { unknown: names, allowed });
  }
}

export class NotFoundError extends AppError {
  override readonly name = 'NotFoundError';
  constructor(code: string, message: string) {
    super(404, code, message);
  }
}

export class ServiceUnavailableError extends AppError {
  override readonly name = 'ServiceUnavailableError';
  constructor(message: string) {
    super(503, 'ServiceUnavailable', message);
  }
}

/** Problem body sent to clients; never carries stack traces or SQL. */
export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly description: string;
  readonly instance?: string;
  readonly requestId?: string;
  readonly [key: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  412: 'Precondition Failed',
  428: 'Precondition Required',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Maps anything thrown to status + body. Unknown errors become an opaque 500. */
export function toProblem(err: unknown, instance: string, requestId: string): ProblemBody {
  const base = (status: number, code: string, detail: string, extra: Record<string, unknown> = {}): ProblemBody => ({
    type: 'about:blank',
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    description: detail,
    instance,
    requestId,
    ...extra,
  });
  if (err instanceof AppError) return base(err.status, err.code, err.message, err.details ? { ...err.details } : {});
  const pgCode = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  // 57014 query_canceled (statement_timeout), 57P01..57P03 admin shutdown / cannot connect now,
  // 08xxx connection exceptions, 53300 too many connections: the database is busy or away.
  if (pgCode === '57014') return base(503, 'StatementTimeout', 'the query took too long and was cancelled; try a smaller area or later');
  // 40P01 deadlock victim, 40001 serialization failure: nothing was written; the same request
  // may simply be sent again (services retry where they can; this is the safety net).
  if (pgCode === '40P01' || pgCode === '40001') return base(503, 'TransientConflict', '并发冲突，请重试 / a concurrent change got in the way; nothing was written, send the request again');
  // 23xxx integrity (NOT NULL, CHECK, unique, exclusion) and 22xxx data exceptions come from
  // values a client sent; name the constraint or column, never the SQL.
  if (/^(23|22)/.test(pgCode)) {
    const e = err as { constraint?: string; column?: string; message?: string };
    const what = e.constraint ? `constraint ${e.constraint}` : e.column ? `column ${e.column}` : 'a data rule';
    return base(400, 'ConstraintViolation', `the values violate ${what}${pgCode === '23502' && e.column ? ' (a value is required)' : ''}`, {
      ...(e.constraint ? { constraint: e.constraint } : {}),
      ...(e.column ? { property: e.column } : {}),
    });
  }
  // 55000 here: "database is not currently accepting connections" (maintenance); 3D000: gone.
  if (/^(08|57P|53)/.test(pgCode) || pgCode === '55000' || pgCode === '3D000' || pgCode === '25006' || ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH'].includes(pgCode))
    return base(503, 'DatabaseUnavailable', 'the database is unavailable; try again shortly');
  // node-postgres' own messages when a connection died under a query (no SQLSTATE): a restart.
  if (err instanceof Error && /timeout exceeded when trying to connect|Connection terminated|is not queryable|Client was closed/i.test(err.message))
    return base(503, 'DatabaseUnavailable', 'the database is unavailable; try again shortly');
  const status = typeof err === 'object' && err !== null && 'status' in err ? Number((err as { status: unknown }).status) : 500;
  const type = typeof err === 'object' && err !== null && 'type' in err ? String((err as { type: unknown }).type) : '';
  if (status === 400 && (err instanceof SyntaxError || type === 'entity.parse.failed'))
    return base(400, 'MalformedJson', `the request body is not valid JSON: ${(err as Error).message.slice(0, 200)}`);
  if (status >= 400 && status < 500) {
    // Errors raised by Koa middleware (body too large, malformed JSON) carry status + expose.
    const message = err instanceof Error && (err as { expose?: boolean }).expose ? err.message : TITLES[status] ?? 'Bad Request';
    return base(status, status === 413 ? 'PayloadTooLarge' : 'BadRequest', message);
  }
  return base(500, 'InternalError', 'internal error; the request id identifies it in the server log');
}
