export { createIntrospectionVerifier } from './auth/introspection-verifier.ts';
export { createJwtVerifier } from './auth/jwt-verifier.ts';
export { cacheVerifiedTokens } from './auth/token-cache.ts';
export {
  type CallerIdentity,
  callerIdentity,
  type TokenVerifier,
  type VerifiedAuthInfo,
  type VerifiedToken,
} from './auth/verified-token.ts';
export {
  InvalidTokenError,
  ResourceServerError,
  VerifierUnavailableError,
} from './errors.ts';
export { type ResourceServerOptionsInput, resourceServerOptionsSchema } from './options.ts';
export {
  createResourceServerApp,
  type ResourceServerApp,
  type ResourceServerAppConfig,
} from './resource-server-app.ts';
export { type ResourceServerOverrides, type RunningResourceServer, startResourceServer } from './server.ts';
