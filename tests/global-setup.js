// Tests that run rsd's binaries need dist/; `npm test` builds it first, a bare `npx jest` may not have.
const { existsSync } = require('node:fs');
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = async () => {
  const root = join(__dirname, '..');
  if (!existsSync(join(root, 'dist', 'src', 'cli', 'rsd.js'))) {
    execFileSync(join(root, 'build_all.sh'), { cwd: root, stdio: 'inherit' });
  }
};
