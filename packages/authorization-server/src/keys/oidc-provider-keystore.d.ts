/**
 * oidc-provider's own keystore initialiser (not part of its typed API): builds the instance's
 * keystore and its public JWKS from a JWKS, checking every key as the constructor does.
 */
declare module 'oidc-provider/lib/helpers/initialize_keystore.js' {
  export default function initializeKeystore(this: object, jwks: { keys: object[] }): void;
}

/** oidc-provider's HKDF-based server nonce generator (used for DPoP-Nonce, RFC 9449 §8). */
declare module 'oidc-provider/lib/helpers/challenge.js' {
  export default class ServerChallenge {
    constructor(secret: Buffer, info: string);
    nextChallenge(): string;
    checkChallenge(challenge: string): boolean;
  }
}

/** oidc-provider's accessor to an instance's internal state. */
declare module 'oidc-provider/lib/helpers/weak_cache.js' {
  export default function instance(provider: object): { DPoPNonces?: unknown } | undefined;
}
