// Imported first by every entry point (the bins, `npm start`, `npm test`), before anything that
// needs a recent Node: on an older one, the TypeScript sources and node:sqlite would fail with a
// stack trace instead of this sentence. Plain JavaScript that old versions of Node can parse.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `Node.js 22.18 or newer is needed (you have ${process.versions.node}): ` +
      'install it from https://nodejs.org or with nvm (nvm install 22), then run this again.\n',
  );
  process.exit(1);
}
