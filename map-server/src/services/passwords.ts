/**
 * Password hashing with scrypt (memory-hard, RFC 7914), from Node's own crypto: no native
 * add-on to install. Parameters follow the OWASP Password Storage Cheat Sheet's scrypt row
 * N=2^15 (32 MiB), r=8, p=3, and are stored in the hash ("scrypt$N$r$p$salt$hash", base64url)
 * so they can be raised later without invalidating existing hashes.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 15, r: 8, p: 3 };
const KEY_BYTES = 32;

function derive(password: string, salt: Buffer, { N, r, p }: ScryptParams): Promise<Buffer> {
  // maxmem must exceed 128·N·r bytes (32 MiB here); twice that leaves room.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key))));
}

/** A new salted hash of the password. */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

const HASH = /^scrypt\$(\d{1,8})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9_-]{16,64})\$([A-Za-z0-9_-]{40,64})$/;

/** Whether the password matches the stored hash (constant-time comparison; false for a malformed hash). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = HASH.exec(stored);
  if (!m) return false;
  const params = { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (params.N < 2 ** 10 || params.N > 2 ** 20 || (params.N & (params.N - 1)) !== 0) return false;
  const expected = Buffer.from(m[5]!, 'base64url');
  const key = await derive(password, Buffer.from(m[4]!, 'base64url'), params);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Minimum password policy: 10+ characters, not all of one kind of character. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < 10) return '密码至少 10 个字符 / the password needs at least 10 characters';
  if (password.length > 256) return '密码过长 / the password is longer than 256 characters';
  if (/^(\d+|[a-z]+|[A-Z]+)$/.test(password)) return '密码不能只由一类字符组成 / the password must mix kinds of characters';
  return undefined;
}
