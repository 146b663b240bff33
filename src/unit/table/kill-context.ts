import * as P from './parsers';
import { scalar, type Block, type ConfigOf } from './row';

/** How a unit's processes are stopped (systemd.kill(5)); mixed into [Service], [Socket] and others. */
export const killContext = {
  KillMode: scalar(P.oneOf(['control-group', 'process', 'mixed', 'none'] as const), 'control-group', {
    support: 'enforced',
    doc: 'Specifies how processes of this unit shall be killed.',
  }),
  KillSignal: scalar(P.signal, 15, {
    support: 'enforced',
    doc: 'Specifies which signal to use when stopping a service.',
  }),
  RestartKillSignal: scalar(P.signal, 15, {
    support: 'accepted',
    doc: 'Specifies which signal to use when restarting a service.',
  }),
  SendSIGHUP: scalar(P.bool, false, {
    support: 'enforced',
    doc: 'Specifies whether to send SIGHUP to remaining processes immediately after sending the signal configured with KillSignal=. This is useful to indicate to...',
  }),
  SendSIGKILL: scalar(P.bool, true, {
    support: 'enforced',
    doc: 'Specifies whether to send SIGKILL (or the signal specified by FinalKillSignal=) to remaining processes after a timeout, if the normal shutdown procedure...',
  }),
  FinalKillSignal: scalar(P.signal, 9, {
    support: 'enforced',
    doc: 'Specifies which signal to send to remaining processes after a timeout if SendSIGKILL= is enabled.',
  }),
  WatchdogSignal: scalar(P.signal, 6, {
    support: 'enforced',
    doc: 'Specifies which signal to use to terminate the service when the watchdog timeout expires (enabled through WatchdogSec=).',
  }),
} satisfies Block;

export type KillContext = ConfigOf<typeof killContext>;
