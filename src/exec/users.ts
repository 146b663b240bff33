import { readFile } from 'node:fs/promises';

export interface UserEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
  readonly shell: string;
}

export interface GroupEntry {
  readonly name: string;
  readonly gid: number;
  readonly members: readonly string[];
}

async function lines(path: string): Promise<string[][]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => l.split(':'));
}

/** User= by name or number, from /etc/passwd (NSS modules are not consulted: see docs/exec.md). */
export async function lookupUser(nameOrId: string): Promise<UserEntry | null> {
  const byId = /^\d+$/.test(nameOrId);
  for (const f of await lines('/etc/passwd')) {
    if (f.length < 7) continue;
    if (byId ? f[2] === nameOrId : f[0] === nameOrId) {
      return { name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), home: f[5]!, shell: f[6]! };
    }
  }
  // A numeric id without a passwd entry is still a valid user, as in systemd.
  return byId
    ? { name: nameOrId, uid: Number(nameOrId), gid: Number(nameOrId), home: '/', shell: '/bin/sh' }
    : null;
}

export async function lookupGroup(nameOrId: string): Promise<GroupEntry | null> {
  const byId = /^\d+$/.test(nameOrId);
  for (const f of await lines('/etc/group')) {
    if (f.length < 3) continue;
    if (byId ? f[2] === nameOrId : f[0] === nameOrId) {
      return { name: f[0]!, gid: Number(f[2]), members: (f[3] ?? '').split(',').filter((m) => m !== '') };
    }
  }
  return byId ? { name: nameOrId, gid: Number(nameOrId), members: [] } : null;
}

/** The groups a user is a member of by /etc/group (initgroups() without NSS). */
export async function groupsOfUser(user: string): Promise<number[]> {
  const out: number[] = [];
  for (const f of await lines('/etc/group')) {
    if (f.length >= 4 && (f[3] ?? '').split(',').includes(user)) out.push(Number(f[2]));
  }
  return out;
}
