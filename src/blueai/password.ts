import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

// Password hashes in Better Auth's own format (its default `hashPassword`): scrypt N=16384, r=16, p=1,
// 64-byte key, the salt's 32 hex characters used as the salt text, the password NFKC-normalized;
// stored as `<salt hex>:<key hex>`. A hash taken from a real Better Auth database signs in here too.

const N = 16384;
const R = 16;
const P = 1;
const KEY_LENGTH = 64;
const FORMAT = /^([0-9a-f]{32}):([0-9a-f]{128})$/;

function derive(password: string, salt: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { N, r: R, p: P, maxmem: 128 * N * R * 2 }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16).toString('hex');
  return `${salt}:${(await derive(password, salt)).toString('hex')}`;
}

/** Whether `password` is the one `hash` was made from; a malformed hash matches nothing. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  const m = FORMAT.exec(hash);
  if (!m) return false;
  return timingSafeEqual(await derive(password, m[1]!), Buffer.from(m[2]!, 'hex'));
}
