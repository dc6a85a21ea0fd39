import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from "jose";
import { randomHex } from "../util/random";

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/**
 * Google's signing keys: RS256, published at the certs URL. Google lists the current key and the one before
 * it, and rotates every few days; rotate() does that on demand so verifiers must re-fetch the JWKS.
 */
export interface KeyRing {
  sign(claims: JWTPayload): Promise<string>;
  jwks(): Promise<{ keys: JWK[] }>;
  /** Makes a new key the signer; the old one stays published unless dropOld. Returns the new kid. */
  rotate(dropOld?: boolean): Promise<string>;
}

async function newKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { modulusLength: 2048, extractable: true });
  const kid = randomHex(40);
  const jwk = await exportJWK(publicKey);
  return {
    kid,
    privateKey: privateKey as CryptoKey,
    publicJwk: { kid, e: jwk.e, n: jwk.n, alg: "RS256", kty: "RSA", use: "sig" },
  };
}

export function createKeyRing(): KeyRing {
  let keys: Promise<SigningKey[]> | null = null;
  const current = () => (keys ??= newKey().then((k) => [k]));
  return {
    async sign(claims) {
      const [key] = await current();
      return new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: key!.kid, typ: "JWT" }).sign(key!.privateKey);
    },
    async jwks() {
      return { keys: (await current()).map((k) => k.publicJwk) };
    },
    async rotate(dropOld = false) {
      const [previous] = await current();
      const fresh = await newKey();
      keys = Promise.resolve(dropOld || !previous ? [fresh] : [fresh, previous]);
      return fresh.kid;
    },
  };
}
