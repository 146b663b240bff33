import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TmpTree } from '../helpers/tmp';
import { ctl } from '../pid1/pid1-helpers';
import { fileContent, freshTreeEachTest, Rsd } from './harness';

/* What a service sees from inside: credentials, limits, umask, environment, working directory, argv. */
let tree: TmpTree;
let rsd: Rsd | null = null;
freshTreeEachTest((t) => (tree = t));

function boot(service: string): Rsd {
  tree.write('units/test.target', '[Unit]\nWants=probe.service\n');
  tree.write('units/probe.service', service);
  return Rsd.start(tree.path('units'), { unit: 'test.target' });
}

const USER = 'rsdtestuser';

describe('the execution environment of a service', () => {
  beforeAll(() => {
    execFileSync('sh', [
      '-c',
      `id ${USER} >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin ${USER}`,
    ]);
    execFileSync('sh', ['-c', `getent group ${USER}-extra >/dev/null || groupadd --system ${USER}-extra`]);
  });
  afterAll(() => {
    execFileSync('sh', ['-c', `userdel ${USER} 2>/dev/null; groupdel ${USER}-extra 2>/dev/null; true`]);
  });

  it('runs as User=/Group= with SupplementaryGroups=, and sets USER, HOME, SHELL, LOGNAME', async () => {
    const out = tree.path('id');
    tree.write('id', '');
    // The service's user must reach the file: open up the test's private directory.
    execFileSync('chmod', ['755', tree.root]);
    execFileSync('chmod', ['666', out]);
    rsd = boot(
      `[Service]\nType=oneshot\nUser=${USER}\nGroup=${USER}\nSupplementaryGroups=${USER}-extra\nExecStart=/bin/sh -c 'echo "$$(id -un) $$(id -gn) $$(id -Gn) $$USER $$LOGNAME $$SHELL" > ${out}'\n`,
    );
    await rsd.waitFor(/Started probe/);
    const [user, group, ...rest] = readFileSync(out, 'utf8').trim().split(' ');
    expect(user).toBe(USER);
    expect(group).toBe(USER);
    expect(rest).toContain(`${USER}-extra`);
    expect(rest.slice(-3)).toEqual([USER, USER, '/usr/sbin/nologin']);
    expect(await rsd.stop()).toBe(0);
  });

  it('applies Limit*=, UMask=, Nice= and WorkingDirectory=', async () => {
    const out = tree.path('limits');
    rsd = boot(
      `[Service]\nType=oneshot\nLimitNOFILE=1234:2345\nLimitCORE=0\nUMask=0077\nNice=5\nWorkingDirectory=${tree.root}\nExecStart=/bin/sh -c 'echo "$$(ulimit -Sn) $$(ulimit -Hn) $$(ulimit -c) $$(umask) $$(nice) $$(pwd)" > ${out}'\n`,
    );
    await rsd.waitFor(/Started probe/);
    expect(readFileSync(out, 'utf8').trim()).toBe(`1234 2345 0 0077 5 ${tree.root}`);
    expect(await rsd.stop()).toBe(0);
  });

  it('builds the environment from Environment=, EnvironmentFile=, PassEnvironment=, UnsetEnvironment=', async () => {
    const out = tree.path('env');
    const envFile = tree.write('env.conf', '# comment\nFROM_FILE="file value"\nOVERRIDE=from-file\n');
    rsd = boot(
      `[Service]\nType=oneshot\nEnvironment="SPACED=a b" OVERRIDE=from-env GONE=x\nEnvironmentFile=${envFile}\nEnvironmentFile=-/nonexistent/rsd.env\nPassEnvironment=HOME\nUnsetEnvironment=GONE\nExecStart=/bin/sh -c 'env > ${out}'\n`,
    );
    await rsd.waitFor(/Started probe/);
    const env = new Map(
      readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const),
    );
    expect(env.get('SPACED')).toBe('a b');
    expect(env.get('FROM_FILE')).toBe('file value');
    expect(env.get('OVERRIDE')).toBe('from-file');
    expect(env.has('GONE')).toBe(false);
    expect(env.get('HOME')).toBe(process.env.HOME);
    expect(env.get('PATH')).toBe('/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin');
    expect(env.get('INVOCATION_ID')).toMatch(/^[0-9a-f]{32}$/);
    expect(await rsd.stop()).toBe(0);
  });

  it('expands $VAR and ${VAR} in command lines, keeps them with the : prefix, and passes specifiers', async () => {
    const out = tree.path('argv');
    rsd = boot(
      `[Service]\nType=oneshot\nEnvironment="WORDS=one two" ONE=1\nExecStart=/bin/sh -c 'for a in "$$@"; do echo "[$$a]"; done > ${out}' sh $WORDS \${ONE}x %n\nExecStartPost=:/bin/sh -c 'printf %%s "$1" > ${out}.raw' sh $ONE\n`,
    );
    await rsd.waitFor(/Started probe/);
    expect(readFileSync(out, 'utf8')).toBe('[one]\n[two]\n[1x]\n[probe.service]\n');
    // With ":" rsd leaves "$ONE" alone: the program gets it literally.
    expect(readFileSync(`${out}.raw`, 'utf8')).toBe('$ONE');
    expect(await rsd.stop()).toBe(0);
  });

  it('fails a unit whose User= does not exist, with a log line', async () => {
    rsd = boot('[Service]\nUser=rsd-no-such-user\nExecStart=/bin/sleep 1000\n');
    await rsd.waitFor(/probe\.service: Failed to start/);
    expect(rsd.log).toMatch(/probe\.service: Failed to determine user credentials/);
    expect(await rsd.stop()).toBe(0);
  });

  it('a standard stream that cannot be set up fails the unit at step STDOUT (209), STDIN (208), STDERR (222)', async () => {
    tree.write(
      'units/in.service',
      '[Service]\nType=oneshot\nStandardInput=file:/nonexistent/in\nExecStart=/bin/true\n',
    );
    tree.write(
      'units/err.service',
      '[Service]\nType=oneshot\nStandardError=truncate:/nonexistent/dir/err\nExecStart=/bin/true\n',
    );
    rsd = boot(
      '[Unit]\nWants=in.service err.service\n[Service]\nType=oneshot\nStandardOutput=file:/nonexistent/dir/out\nExecStart=/bin/echo hi\n',
    );
    await rsd.waitFor(/Startup finished/);
    const status = (u: string): string =>
      ctl(rsd!.socket, 'show', u, '-p', 'ExecMainStatus', '--value').out.trim();
    expect(status('probe.service')).toBe('209');
    expect(status('in.service')).toBe('208');
    expect(status('err.service')).toBe('222');
    expect(ctl(rsd.socket, 'show', 'probe.service', '-p', 'Result', '--value').out.trim()).toBe('exit-code');
    expect(rsd.log).toMatch(/probe\.service: Failed to set up standard output: ENOENT/);
    expect(rsd.log).toMatch(/in\.service: Failed to set up standard input: ENOENT/);
    expect(rsd.log).toMatch(/err\.service: Failed to set up standard error: ENOENT/);
    expect(await rsd.stop()).toBe(0);
  });

  it('StandardOutput=append: writes to the file; the default (journal) reaches rsd log line by line', async () => {
    const f = tree.path('out.txt');
    tree.write('out.txt', 'old\n');
    tree.write(
      'units/logged.service',
      "[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo to-the-log; echo second line >&2'\n",
    );
    rsd = boot(
      `[Unit]\nWants=logged.service\n[Service]\nType=oneshot\nStandardOutput=append:${f}\nExecStart=/bin/echo appended\n`,
    );
    await rsd.waitFor(/Started probe/);
    expect(readFileSync(f, 'utf8')).toBe('old\nappended\n');
    await rsd.waitFor(/ sh\[\d+\]: to-the-log/);
    await rsd.waitFor(/ sh\[\d+\]: second line/);
    expect(await rsd.stop()).toBe(0);
  });

  it('as PID 1 of a PID namespace, boots the demo units and exits 0 on SIGTERM', async () => {
    rsd = Rsd.start(join(__dirname, '..', '..', 'test_units'), { pidNamespace: true });
    await rsd.waitFor(/Startup finished/);
    await rsd.waitFor(/ echo\[\d+\]: Hello from hello\.service/);
    await rsd.waitFor(/ sh\[\d+\]: tick tock/);
    expect(await rsd.stop()).toBe(0);
    expect(rsd.log).toMatch(/Stopped Prints a tick/);
  });
});

void fileContent;
