import { afterEach, describe, expect, it } from 'vitest';
import { generatePassword, generatePin, hashCost, hashSecret, productionHashCost, verifySecret } from '../../src/modules/auth/passwords.js';

describe('password and PIN hashes', () => {
  const env = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = env;
  });

  it('outside the test runner hashes at argon2id 64 MiB, 3 passes, 4 lanes, and the hash verifies only its own secret', async () => {
    for (const mode of ['production', 'development', '']) {
      process.env.NODE_ENV = mode;
      expect(hashCost()).toEqual(productionHashCost);
    }
    process.env.NODE_ENV = 'production';
    const hash = await hashSecret('correct horse');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=65536,p=4,t=3\$/);
    expect(await verifySecret(hash, 'correct horse')).toBe(true);
    expect(await verifySecret(hash, 'correct horsE')).toBe(false);
  });

  it('under the test runner hashes cheaply, and a hash made at either cost verifies at the other', async () => {
    expect(process.env.NODE_ENV).toBe('test');
    const cheap = await hashSecret('135790');
    expect(cheap).toMatch(/^\$argon2id\$v=19\$m=1024,p=1,t=1\$/);
    process.env.NODE_ENV = 'production';
    expect(await verifySecret(cheap, '135790')).toBe(true);
    const strong = await hashSecret('135790');
    process.env.NODE_ENV = 'test';
    expect(await verifySecret(strong, '135790')).toBe(true);
    expect(await verifySecret(strong, '135791')).toBe(false);
    expect(await verifySecret('not a hash', '135790')).toBe(false);
  });

  it('makes passwords of 16 unambiguous characters and six-digit PINs', () => {
    for (let i = 0; i < 50; i++) {
      expect(generatePassword()).toMatch(/^[a-hjkmnp-zA-HJ-NP-Z2-9]{16}$/);
      expect(generatePin()).toMatch(/^\d{6}$/);
    }
  });
});
