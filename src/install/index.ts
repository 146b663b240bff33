/**
 * systemctl's unit-file installation verbs as systemd 252 performs them offline (`systemctl --root=DIR`):
 * plain functions over a root directory, no manager involved.
 */
export type { InstallChange, InstallErrno } from './changes';
export type { MessageLine, Verb } from './messages';
export type { InstallOptions, OperationResult } from './result';
export type { UnitFileState, IsEnabledResult } from './state';
export type { UnitFileRow } from './list';
export type { GetDefaultResult } from './default-target';
export { enable, disable, reenable } from './enable';
export { mask, unmask } from './mask';
export { isEnabled } from './state';
export { listUnitFiles, formatUnitFiles } from './list';
export { getDefault, setDefault } from './default-target';
