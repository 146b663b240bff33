import { close } from '../src/native/libc';
import {
  AF_UNIX,
  connect,
  recvmsg,
  RecvBuffers,
  sendmsg,
  SOCK_CLOEXEC,
  SOCK_SEQPACKET,
  socket,
} from '../src/native/socket';
import { RpcError } from './client';

const MAX_ANSWER = 1024 * 1024;

/**
 * One JSON-RPC call on rsd's fd transport (PATH.fds, a SOCK_SEQPACKET socket), passing `fds` with
 * SCM_RIGHTS. It blocks until rsd answers: the CLI has nothing else to do meanwhile (`run --pipe` waits for
 * the service), and Ctrl-C still ends it.
 */
export function callWithFds<T>(controlPath: string, method: string, params: object, fds: number[]): T {
  const path = `${controlPath}.fds`;
  const s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC);
  if (!s.ok) throw new Error(`socket: errno ${s.errno}`);
  try {
    const c = connect(s.value, { family: 'unix', path });
    if (!c.ok) throw new Error(`Failed to connect to rsd at ${path}: errno ${c.errno} (is rsd running?)`);
    const request = JSON.stringify({ jsonrpc: '2.0', id: 1, method, params });
    const sent = sendmsg(s.value, Buffer.from(request, 'utf8'), { fds });
    if (!sent.ok) throw new Error(`Failed to send to rsd: errno ${sent.errno}`);
    const r = recvmsg(s.value, new RecvBuffers(MAX_ANSWER, 0), 0);
    if (!r.ok) throw new Error(`Failed to read rsd's answer: errno ${r.errno}`);
    if (r.value.length === 0) throw new Error('rsd closed the connection');
    const msg = JSON.parse(r.value.data.toString('utf8')) as {
      result?: T;
      error?: { code: number; message: string };
    };
    if (msg.error) throw new RpcError(msg.error.code, msg.error.message);
    return msg.result as T;
  } finally {
    close(s.value);
  }
}
