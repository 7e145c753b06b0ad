export {
  defaultSameOriginDataDir,
  type SameOriginServerOptionsInput,
  sameOriginServerOptionsSchema,
} from './options.ts';
export { providerTokenVerifier } from './provider-token-verifier.ts';
export {
  type RunningSameOriginServer,
  type SameOriginServerOverrides,
  startSameOriginServer,
} from './server.ts';
