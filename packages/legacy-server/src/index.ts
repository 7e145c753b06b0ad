export { defaultLegacyDataDir, type RunningLegacyServer, startLegacyServer } from './server.ts';
