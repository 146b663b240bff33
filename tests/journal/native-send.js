#!/usr/bin/env node
// Sends one entry to journald's native socket (argv[2]) in the binary-length form, then stays alive a
// moment so the journal can tell which unit sent it: node native-send.js SOCKET MESSAGE [FIELD=value...]
'use strict';
const S = require('../../dist/src/native/socket.js');
const [path, message, ...fields] = process.argv.slice(2);
const value = Buffer.from(message);
const len = Buffer.alloc(8);
len.writeBigUInt64LE(BigInt(value.length));
const data = Buffer.concat([
  Buffer.from('MESSAGE\n'),
  len,
  value,
  Buffer.from('\n' + fields.map((f) => f + '\n').join('')),
]);
const s = S.socket(S.AF_UNIX, S.SOCK_DGRAM | S.SOCK_CLOEXEC);
if (!s.ok || !S.connect(s.value, { family: 'unix', path }).ok || !S.sendmsg(s.value, data).ok)
  process.exit(1);
setTimeout(() => {}, 500);
