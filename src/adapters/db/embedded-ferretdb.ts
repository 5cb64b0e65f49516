import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { homedir } from 'node:os';
import path from 'node:path';

/** Where the embedded database keeps its files and listens (loopback only). */
export interface EmbeddedOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly binary?: string;
  readonly startTimeoutMs?: number;
  /** SQLite pragmas for every connection FerretDB opens (default: {@link SQLITE_PRAGMAS}). */
  readonly sqlitePragmas?: readonly string[];
}

/** The `-wal` file is cut back to this size after each checkpoint restart. */
export const WAL_SIZE_LIMIT_BYTES = 8 * 1024 * 1024;

/**
 * Pragmas FerretDB passes through to SQLite (modernc `_pragma` URL parameters; FerretDB still adds
 * its own `busy_timeout(10000)`, `journal_mode(wal)` and `auto_vacuum(none)`). The write-ahead log
 * is checkpointed every 1000 pages (SQLite's default, made explicit). It still grows while a read
 * (e.g. an open cursor) pins an old snapshot, and SQLite never shrinks it by itself, so
 * `journal_size_limit` truncates it back to 8 MB as soon as a checkpoint lets it restart
 * (docs/adr/0015-ready-first-and-timer-locks.md).
 */
export const SQLITE_PRAGMAS: readonly string[] = [
  'wal_autocheckpoint(1000)',
  `journal_size_limit(${WAL_SIZE_LIMIT_BYTES})`,
];

/**
 * Go's GC target for FerretDB (`GOGC`, unless the environment sets one). FerretDB v1 allocates
 * a fresh document tree per command, so Go's default (100) collects several times per step; 400
 * measured 6–28 % (median 16 %) less FerretDB CPU for ~13 MB more resident memory (ADR 0002).
 */
export const GO_GC_PERCENT = '400';

/** Default location of the binary built by scripts/install-ferretdb.sh. */
export function defaultFerretBinary(): string {
  const dir = process.env.HELPDESK_TOOLS_DIR ?? path.join(homedir(), '.cache', 'helpdesk-runner');
  return process.env.FERRETDB_BIN ?? path.join(dir, 'ferretdb');
}

/**
 * Runs FerretDB v1 (SQLite backend) as a child process: the embedded default when
 * no MONGODB_URI is given. Telemetry off, debug endpoint off, loopback only.
 */
export class EmbeddedFerretDb {
  private child?: ChildProcess;
  private stderr = '';

  constructor(private readonly options: EmbeddedOptions) {}

  get uri(): string {
    return `mongodb://127.0.0.1:${this.options.port}/`;
  }

  async start(): Promise<void> {
    const binary = this.options.binary ?? defaultFerretBinary();
    if (!existsSync(binary)) {
      throw new Error(
        `embedded database not installed: ${binary} is missing; run "npm run setup" or set MONGODB_URI`,
      );
    }
    mkdirSync(this.options.dataDir, { recursive: true });
    const env = { ...process.env, GOGC: process.env.GOGC ?? GO_GC_PERCENT };
    const child = spawn(binary, this.args(), { stdio: ['ignore', 'ignore', 'pipe'], env });
    this.child = child;
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4000);
    });
    await this.waitForPort(child);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timeout = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timeout);
  }

  private args(): string[] {
    const dataDir = path.resolve(this.options.dataDir);
    return [
      '--handler=sqlite',
      `--sqlite-url=${sqliteUrl(dataDir, this.options.sqlitePragmas ?? SQLITE_PRAGMAS)}`,
      `--listen-addr=127.0.0.1:${this.options.port}`,
      '--telemetry=disable',
      '--debug-addr=-',
      `--state-dir=${dataDir}`,
      '--log-level=warn',
    ];
  }

  private async waitForPort(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 15_000);
    while (Date.now() < deadline) {
      if (child.exitCode !== null) {
        throw new Error(`embedded database exited with code ${child.exitCode}: ${this.stderr.trim()}`);
      }
      if (await canConnect(this.options.port)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await this.stop();
    throw new Error(
      `embedded database did not listen on 127.0.0.1:${this.options.port} in time: ${this.stderr.trim()}`,
    );
  }
}

/** `file:<dir>/?_pragma=...`: FerretDB's SQLite URL (a directory; one file per database). */
export function sqliteUrl(dataDir: string, pragmas: readonly string[]): string {
  const query = new URLSearchParams(pragmas.map((pragma): [string, string] => ['_pragma', pragma]));
  return `file:${dataDir}/${pragmas.length ? `?${query.toString()}` : ''}`;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
