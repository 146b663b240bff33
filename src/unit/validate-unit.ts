import type { ServiceConfig, SocketConfig, UnitConfig } from './table';

/**
 * The checks systemd runs after loading a unit (service_verify(), socket_verify()): each returns the message
 * systemd prints when it refuses the unit, or null when the unit is usable.
 */
export function validateUnit(name: string, config: UnitConfig): string | null {
  switch (config.type) {
    case 'service':
      return validateService(name, config);
    case 'socket':
      return validateSocket(name, config);
    default:
      return null;
  }
}

function validateService(name: string, c: ServiceConfig): string | null {
  const s = c.Service;
  const prefix = `${name}: `;
  if (s.ExecStart.length === 0 && s.ExecStop.length === 0 && c.Unit.SuccessAction === 'none') {
    return `${prefix}Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.`;
  }
  if (s.Type !== 'oneshot' && s.ExecStart.length === 0) {
    return `${prefix}Service has no ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.`;
  }
  if (!s.RemainAfterExit && s.ExecStart.length === 0 && c.Unit.SuccessAction === 'none') {
    return `${prefix}Service has no ExecStart= and no SuccessAction= settings and does not have RemainAfterExit=yes set. Refusing.`;
  }
  if (s.Type !== 'oneshot' && s.ExecStart.length > 1) {
    return `${prefix}Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.`;
  }
  if (s.Type === 'oneshot' && (s.Restart === 'always' || s.Restart === 'on-success')) {
    return `${prefix}Service has Restart= set to either always or on-success, which isn't allowed for Type=oneshot services. Refusing.`;
  }
  if (s.Type === 'dbus' && s.BusName === '') {
    return `${prefix}Service is of type D-Bus but no D-Bus service name has been specified. Refusing.`;
  }
  if (c.Exec.PAMName !== '' && c.Kill.KillMode !== 'control-group' && c.Kill.KillMode !== 'mixed') {
    return `${prefix}Service has PAM enabled. Kill mode must be set to 'control-group' or 'mixed'. Refusing.`;
  }
  return null;
}

function validateSocket(name: string, c: SocketConfig): string | null {
  const s = c.Socket;
  const prefix = `${name}: `;
  if (s.Listen.length === 0) {
    return `${prefix}Unit has no Listen setting (ListenStream=, ListenDatagram=, ListenFIFO=, ...). Refusing.`;
  }
  if (s.Accept && s.Service !== '') {
    return `${prefix}Explicit service configuration for accepting socket units not supported. Refusing.`;
  }
  if (s.Accept && !s.Listen.some((l) => l.type === 'stream' || l.type === 'seqpacket')) {
    return `${prefix}Unit configured for accepting sockets, but sockets are non-accepting. Refusing.`;
  }
  return null;
}
