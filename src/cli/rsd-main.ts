/**
 * The `rsd` command line. Started by src/cli/rsd.ts (from the bundle when there is one, see bundle-loader.ts),
 * which has already sized libuv's pool and set V8's flags for this process (v8-flags.ts).
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { DEFAULT_CONFIG_PATH, readRsdConfig } from '../config/rsd-conf';
import { buildSearchPath } from '../load/search-path';
import { createLog, type LogLevel } from '../log';
import { boot } from './boot';
import { builtinUnitDir } from './paths';
import { showBootSet } from './show-boot-set';
import { verify } from './verify';

function unitDirsFrom(
  flag: readonly string[] | undefined,
  configPath: string,
): { dirs: string[]; warnings: string[] } {
  const { config, warnings } = readRsdConfig(configPath);
  return { dirs: flag && flag.length > 0 ? [...flag] : [...config.unitDirs], warnings };
}

void yargs(hideBin(process.argv))
  .scriptName('rsd')
  .usage('$0 [options]: boot systemd units (default.target) and keep them running')
  .option('unit-dir', {
    type: 'string',
    array: true,
    describe:
      "Read units from DIR instead of systemd's directories (repeatable); rsd's own units/ stays last",
  })
  .option('config', { type: 'string', default: DEFAULT_CONFIG_PATH, describe: "rsd's own settings file" })
  .option('log-level', { type: 'string', choices: ['error', 'warn', 'info', 'debug'], default: 'info' })
  .option('unit', { type: 'string', default: 'default.target', describe: 'The unit to boot' })
  .option('socket', {
    type: 'string',
    describe: 'The control socket (default /run/rsd/rsd.sock, or rsd.conf)',
  })
  .option('cgroup-subtree', {
    type: 'string',
    default: 'rsd.units',
    describe: "The directory under rsd's own cgroup that holds one cgroup per unit",
  })
  .command(
    '$0',
    'Boot the unit (default.target), run until SIGTERM or SIGINT, then stop everything in reverse order',
    () => {},
    async (argv) => {
      const { dirs, warnings } = unitDirsFrom(argv['unit-dir'], argv.config);
      const log = createLog(argv['log-level'] as LogLevel);
      for (const w of warnings) log.warn(w);
      const searchPath = buildSearchPath({
        unitDirs: dirs.length > 0 ? dirs : undefined,
        builtinDir: builtinUnitDir(),
      });
      const conf = readRsdConfig(argv.config).config;
      const controlSocket = argv.socket ?? conf.controlSocket;
      const code = await boot({
        searchPath,
        target: argv.unit,
        log,
        cgroupSubtree: argv['cgroup-subtree'],
        controlSocket,
        adminGroup: conf.adminGroup,
        journal: conf.journal,
        defaultTimeoutStopMs: conf.defaultTimeoutStopMs,
        mounts: conf.mounts,
      });
      // A process that survived its unit's KillMode= (holding an output pipe) must not keep rsd running.
      process.exit(code);
    },
  )
  .command(
    'plan',
    'Load the units and print the jobs a boot of the unit would run, in order, without running them',
    () => {},
    (argv) => {
      const { dirs, warnings } = unitDirsFrom(argv['unit-dir'], argv.config);
      for (const w of warnings) console.error(w);
      process.exitCode = showBootSet({
        unitDirs: dirs,
        builtinDir: builtinUnitDir(),
        target: argv.unit,
        out: (l) => console.log(l),
      });
    },
  )
  .command(
    'verify [units..]',
    'Check unit files and print diagnostics as systemd-analyze verify does',
    (y) =>
      y
        .positional('units', { type: 'string', array: true, describe: 'unit names or unit file paths' })
        .option('all', { type: 'boolean', default: false, describe: 'verify every unit in the search path' })
        .option('unenforced', {
          type: 'boolean',
          default: false,
          describe: 'also list the settings rsd parses but does not enforce yet',
        }),
    (argv) => {
      const targets = (argv.units ?? []).map(String);
      if (targets.length === 0 && !argv.all) {
        console.error('rsd verify: name at least one unit, or use --all');
        process.exitCode = 2;
        return;
      }
      const { dirs, warnings } = unitDirsFrom(argv['unit-dir'], argv.config);
      for (const w of warnings) console.error(w);
      const result = verify({
        targets,
        all: argv.all,
        unitDirs: dirs,
        builtinDir: builtinUnitDir(),
        unenforced: argv.unenforced,
      });
      for (const line of result.lines) console.error(line);
      process.exitCode = result.exitCode;
    },
  )
  .strict()
  .help()
  .parse();
