#!/usr/bin/env node
// Before anything else: both are read once, when libuv's pool starts and as V8 compiles each function.
import './threadpool-size';
import './v8-flags';
import { join } from 'node:path';
import { runBundle } from './bundle-loader';

// The bundle beside this file when build_all.sh made one; the separate modules otherwise.
// eslint-disable-next-line @typescript-eslint/no-require-imports
if (!runBundle(join(__dirname, 'rsd-bundle.js'))) require('./rsd-main');
