import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, Socket, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';

/** Debian's Dovecot (`apt-get install dovecot-imapd`; `.ci/run` installs it). */
const DOVECOT = process.env.DOVECOT_PATH ?? '/usr/sbin/dovecot';

/** A private Dovecot instance on 127.0.0.1 with one user and a maildir under a temp dir. */
export interface ImapServer {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /**
   * Puts a raw RFC 5322 message into a folder with IMAP APPEND (as a mail server would deliver it).
   * Its INTERNALDATE (receipt time) is `internalDate`, else the message's Date header (delivered
   * as soon as sent), else now.
   */
  deliver(raw: string | Buffer, folder?: string, options?: { internalDate?: Date }): Promise<void>;
  /** Subjects of the messages in a folder (empty when the folder does not exist). */
  subjects(folder: string): Promise<string[]>;
  /** Flags of the messages in a folder, by subject. */
  flags(folder: string): Promise<Map<string, string[]>>;
  stop(): Promise<void>;
}

/**
 * Starts `dovecot -F -c <generated conf>`: non-privileged port, plaintext auth on localhost, a
 * passwd-file user, maildir in the temp dir. Fails (never skips) when Dovecot is not installed.
 */
export async function startImapServer(): Promise<ImapServer> {
  const found = spawnSync(DOVECOT, ['--version'], { encoding: 'utf8' });
  if (found.error || found.status !== 0) {
    throw new Error(
      `Dovecot not found at ${DOVECOT}: the mailbox tests need a real IMAP server. ` +
        'Install it with `apt-get install dovecot-imapd` (.ci/run does) or set DOVECOT_PATH.',
    );
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'helpdesk-imap-'));
  const port = await freePort();
  const user = 'desk';
  const password = 'desk-password-0123';
  const identity = await processIdentity(dir);
  await writeFile(path.join(dir, 'passwd'), `${user}:{PLAIN}${password}::::::\n`);
  await writeFile(path.join(dir, 'dovecot.conf'), config(dir, port, identity));
  const child = spawn(DOVECOT, ['-F', '-c', path.join(dir, 'dovecot.conf')], { stdio: 'ignore' });
  try {
    await waitForPort(port, child, dir);
  } catch (error) {
    child.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const connect = async () => {
    const client = new ImapFlow({
      host: '127.0.0.1',
      port,
      secure: false,
      auth: { user, pass: password },
      logger: false,
    });
    await client.connect();
    return client;
  };
  const withClient = async <T>(work: (client: ImapFlow) => Promise<T>): Promise<T> => {
    const client = await connect();
    try {
      return await work(client);
    } finally {
      await client.logout().catch(() => undefined);
    }
  };
  const list = (folder: string) =>
    withClient(async (client) => {
      const found: { subject: string; flags: string[] }[] = [];
      if (!(await client.list()).some((box) => box.path === folder)) return found;
      const lock = await client.getMailboxLock(folder);
      try {
        if (client.mailbox && client.mailbox.exists === 0) return found;
        for await (const message of client.fetch('1:*', { envelope: true, flags: true }))
          found.push({ subject: message.envelope?.subject ?? '', flags: [...(message.flags ?? [])] });
      } finally {
        lock.release();
      }
      return found;
    });
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    deliver: (raw, folder = 'INBOX', options = {}) =>
      withClient(async (client) => {
        if (!(await client.list()).some((box) => box.path === folder)) await client.mailboxCreate(folder);
        const internalDate = options.internalDate ?? dateHeaderOf(raw);
        await client.append(folder, raw, [], internalDate);
      }),
    subjects: async (folder) => (await list(folder)).map((m) => m.subject),
    flags: async (folder) => new Map((await list(folder)).map((m) => [m.subject, m.flags])),
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000).unref())]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The Date header of a raw message (first 64 kB of headers), when valid. */
function dateHeaderOf(raw: string | Buffer): Date | undefined {
  const head =
    raw
      .toString()
      .slice(0, 65_536)
      .split(/\r?\n\r?\n/)[0] ?? '';
  const value = /^Date:[ \t]*(.+)$/im.exec(head)?.[1];
  const date = value ? new Date(value.trim()) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

interface Identity {
  readonly internalUser: string;
  readonly loginUser: string;
  readonly uid: number;
  readonly gid: number;
}

/**
 * Dovecot refuses to run its login processes as root: as root the Debian package's `dovecot` and
 * `dovenull` users are used (and own the temp dir); otherwise everything runs as the current user.
 */
async function processIdentity(dir: string): Promise<Identity> {
  const mail = path.join(dir, 'mail');
  await mkdir(mail);
  if (process.getuid?.() !== 0) {
    const me = os.userInfo();
    return { internalUser: me.username, loginUser: me.username, uid: me.uid, gid: me.gid };
  }
  const passwd = await readFile('/etc/passwd', 'utf8');
  const entry = passwd.split('\n').find((line) => line.startsWith('dovecot:'));
  const [, , uid, gid] = entry?.split(':') ?? [];
  if (!uid || !gid) throw new Error('the dovecot system user is missing: reinstall dovecot-core');
  await chmod(dir, 0o755);
  await chown(mail, Number(uid), Number(gid));
  return { internalUser: 'dovecot', loginUser: 'dovenull', uid: Number(uid), gid: Number(gid) };
}

function config(dir: string, port: number, who: Identity): string {
  return `# generated for one test run
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = ${who.internalUser}
default_login_user = ${who.loginUser}
first_valid_uid = 0
mail_location = maildir:${dir}/mail/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${who.uid} gid=${who.gid} home=${dir}/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
namespace inbox {
  inbox = yes
  separator = /
}
`;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForPort(port: number, child: ChildProcess, dir: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const socket = new Socket();
    const open = await new Promise<boolean>((resolve) => {
      socket.once('connect', () => resolve(true)).once('error', () => resolve(false));
      socket.connect(port, '127.0.0.1');
      setTimeout(() => resolve(false), 500).unref();
    });
    socket.destroy();
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const log = await readFile(path.join(dir, 'dovecot.log'), 'utf8').catch(() => '(no log)');
  throw new Error(`Dovecot did not listen on 127.0.0.1:${port}: ${log.slice(-2000)}`);
}
