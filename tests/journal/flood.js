#!/usr/bin/env node
// Writes N numbered lines as fast as it can: two thirds to stdout ("o K"), one third to stderr ("e K"),
// in 64 KiB writes that cut lines anywhere. With --odd: one 1 MiB line, lines with invalid UTF-8 and NUL
// bytes, and a last stdout line without a newline. Usage: flood.js N [--odd]
'use strict';
const fs = require('node:fs');
const n = Number(process.argv[2] || 1000000);
const odd = process.argv.includes('--odd');
const bufs = [Buffer.allocUnsafe(1 << 16), Buffer.allocUnsafe(1 << 16)];
const lens = [0, 0];
function flush(s) {
  let off = 0;
  while (off < lens[s]) off += fs.writeSync(s + 1, bufs[s], off, lens[s] - off);
  lens[s] = 0;
}
function put(s, data) {
  if (lens[s] + data.length > bufs[s].length) flush(s);
  if (data.length > bufs[s].length) {
    let off = 0;
    while (off < data.length) off += fs.writeSync(s + 1, data, off, data.length - off);
    return;
  }
  if (typeof data === 'string') lens[s] += bufs[s].write(data, lens[s], 'latin1');
  else lens[s] += data.copy(bufs[s], lens[s]);
}
let o = 0;
let e = 0;
for (let i = 0; i < n; i++) {
  if (i % 3 === 2) put(1, `e ${e++}\n`);
  else put(0, `o ${o++}\n`);
  if (odd && i === Math.floor(n / 2)) {
    put(0, Buffer.concat([Buffer.from(`o ${o++} `), Buffer.alloc(1 << 20, 0x78), Buffer.from('\n')]));
    put(
      0,
      Buffer.concat([
        Buffer.from(`o ${o++} `),
        Buffer.from([0xff, 0xfe, 0x00, 0x41, 0xc3]),
        Buffer.from('\n'),
      ]),
    );
  }
}
if (odd) put(0, `o ${o++} partial`);
flush(0);
flush(1);
