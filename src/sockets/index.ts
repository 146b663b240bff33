export { acceptConnection, acceptedServiceName, instanceName, remoteEnv, type Connection } from './accept';
export { watchForActivity, type ActivityEvent, type ActivityWatch } from './activity';
export { errnoName, type SocketResult } from './errors';
export { isValidFdName, listenEnv } from './listen-env';
export {
  closeListener,
  createSymlinks,
  describeListen,
  openListener,
  openListeners,
  parseIpTos,
  removeSymlinks,
  symlinkTarget,
  type ListeningFd,
  type SocketOptions,
} from './listener';
