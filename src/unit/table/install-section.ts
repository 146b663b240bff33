import * as P from './parsers';
import { list, scalar, type Block, type ConfigOf } from './row';

/** [Install]: read by enable/disable, never by the running manager (systemd.unit(5)). */
export const installSection = {
  Alias: list(P.unitNames, {
    support: 'accepted',
    doc: 'A space-separated list of additional names this unit shall be installed under.',
  }),
  WantedBy: list(P.unitNames, {
    support: 'accepted',
    doc: 'Units that get a Wants= dependency on this unit when it is enabled (a link in their .wants/ directory).',
  }),
  RequiredBy: list(P.unitNames, {
    support: 'accepted',
    doc: 'Units that get a Requires= dependency on this unit when it is enabled (a link in their .requires/ directory).',
  }),
  Also: list(P.unitNames, {
    support: 'accepted',
    doc: 'Additional units to install/deinstall when this unit is installed/deinstalled.',
  }),
  DefaultInstance: scalar(P.text, '', {
    support: 'accepted',
    doc: 'In template unit files, this specifies for which instance the unit shall be enabled if the template is enabled without any explicitly set instance.',
  }),
} satisfies Block;

export type InstallSection = ConfigOf<typeof installSection>;
