#!/usr/bin/env node
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';

// The control plane (JSON-RPC over /run/rsd/rsd.sock) comes with its own issue; until then rsdctl says so.
void yargs(hideBin(process.argv))
  .scriptName('rsdctl')
  .command(
    '$0',
    'Control rsd (like systemctl)',
    () => {},
    () => {
      console.error('rsdctl: the control interface is not implemented yet; use `rsd verify` to check units.');
      process.exitCode = 1;
    },
  )
  .help()
  .parse();
