export { parseNotifyMessage, type NotifyAccessValue, type NotifyMessage } from './message';
export {
  DEFAULT_NOTIFY_SOCKET,
  NOTIFY_BUFFER_MAX,
  NOTIFY_FD_MAX,
  NotifySocket,
  type Drop,
  type DropReason,
  type NotifyHandler,
  type NotifySender,
  type NotifyStats,
} from './notify-socket';
export { FdStore, type StoredFd } from './fd-store';
