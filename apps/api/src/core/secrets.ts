import crypto from 'node:crypto';

/**
 * Sealing short secrets (a new mailbox password on its way to the worker) so that the rows and
 * queues they pass through never hold them in clear. AES-256-GCM with a key derived from
 * SECRETS_KEY by scrypt; the purpose is bound as associated data, so a value sealed for one
 * use cannot be opened as another. Format: `v1.<iv>.<tag>.<ciphertext>`, each base64url.
 */

const FORMAT = 'v1';
const SALT = 'mpanel:secrets:v1';
// scrypt makes guessing a weak SECRETS_KEY from a stolen row slow; the key is derived once per process.
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const derived = new Map<string, Buffer>();

export class SecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretError';
  }
}

function keyOf(secretsKey: string): Buffer {
  if (secretsKey.length < 16) throw new SecretError('SECRETS_KEY must be at least 16 characters');
  const id = crypto.createHash('sha256').update(secretsKey).digest('hex');
  let key = derived.get(id);
  if (!key) {
    key = crypto.scryptSync(secretsKey, SALT, 32, SCRYPT);
    derived.set(id, key);
  }
  return key;
}

/** Encrypts `plaintext` for `purpose` (e.g. "mail-password"). */
export function seal(secretsKey: string, plaintext: string, purpose: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', keyOf(secretsKey), iv);
  cipher.setAAD(Buffer.from(purpose, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [FORMAT, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
}

/** Decrypts what `seal` made with the same key and purpose; anything else is a SecretError. */
export function open(secretsKey: string, sealed: string, purpose: string): string {
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== FORMAT) throw new SecretError('not a sealed value');
  const [, iv, tag, ciphertext] = parts.map((p) => Buffer.from(p, 'base64url'));
  if (iv.length !== 12 || tag.length !== 16) throw new SecretError('not a sealed value');
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', keyOf(secretsKey), iv);
    decipher.setAAD(Buffer.from(purpose, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretError('the sealed value was sealed with another key or purpose, or was altered');
  }
}

const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** A random password of `length` letters and digits (no look-alikes such as 0/O, 1/l/I): ~5.8 bits each. */
export function generatePassword(length = 22): string {
  let out = '';
  for (let i = 0; i < length; i++) out += PASSWORD_ALPHABET[crypto.randomInt(PASSWORD_ALPHABET.length)];
  return out;
}
