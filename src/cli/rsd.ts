#!/usr/bin/env node
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { DEFAULT_CONFIG_PATH, readRsdConfig } from '../config/rsd-conf';
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
  .usage('$0 [options]: load the units and show what a boot of default.target would start')
  .option('unit-dir', {
    type: 'string',
    array: true,
    describe:
      "Read units from DIR instead of systemd's directories (repeatable); rsd's own units/ stays last",
  })
  .option('config', { type: 'string', default: DEFAULT_CONFIG_PATH, describe: "rsd's own settings file" })
  .command(
    '$0',
    'Load the units and print the boot transaction of default.target (booting them comes with the engine)',
    () => {},
    (argv) => {
      const { dirs, warnings } = unitDirsFrom(argv['unit-dir'], argv.config);
      for (const w of warnings) console.error(w);
      process.exitCode = showBootSet({
        unitDirs: dirs,
        builtinDir: builtinUnitDir(),
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
