/** Password and PIN hashing (argon2id) and random secrets. */
import crypto from 'node:crypto';
import argon2 from 'argon2';

/**
 * argon2id's cost: 64 MiB, 3 passes, 4 lanes (the library's defaults, OWASP's first choice),
 * written out so that an upgrade of the library cannot lower it. A hash carries its own
 * parameters, so verification follows whatever cost a hash was made with.
 */
export const productionHashCost = { memoryCost: 65_536, timeCost: 3, parallelism: 4 } as const;

/**
 * Under the test runner only (NODE_ENV=test, which vitest sets and nothing else does): 1 MiB and
 * one pass. A sign-in at the production cost takes 0.15–0.45 s of CPU on the CI machine, and
 * the suite signs in hundreds of times; what the tests check (which secret verifies, lockout,
 * rotation, sessions) does not depend on the cost.
 */
const testHashCost = { memoryCost: 1_024, timeCost: 1, parallelism: 1 } as const;

export function hashCost(): typeof productionHashCost | typeof testHashCost {
  return process.env.NODE_ENV === 'test' ? testHashCost : productionHashCost;
}

export function hashSecret(secret: string): Promise<string> {
  return argon2.hash(secret, { type: argon2.argon2id, ...hashCost() });
}

export async function verifySecret(hash: string, secret: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, secret);
  } catch {
    return false;
  }
}

/** A password people can type: 16 characters from an unambiguous alphabet. */
export function generatePassword(length = 16): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = crypto.randomBytes(length);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

export function generatePin(): string {
  return String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
}
