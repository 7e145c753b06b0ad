/**
 * oidc-provider's own keystore initialiser (not part of its typed API): builds the instance's
 * keystore and its public JWKS from a JWKS, checking every key as the constructor does.
 */
declare module 'oidc-provider/lib/helpers/initialize_keystore.js' {
  export default function initializeKeystore(this: object, jwks: { keys: object[] }): void;
}
