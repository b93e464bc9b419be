import type { AddressInfo } from 'node:net';
import type { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  readonly at: number;
  readonly from: string;
  readonly to: readonly string[];
  /** The raw message (headers and MIME body). */
  readonly raw: string;
  readonly subject: string;
}

/** Where the sink refuses: the greeting (the server's state), a recipient, or the message's data. */
export type SmtpStage = 'greeting' | 'recipient' | 'data';

const REFUSALS: Record<SmtpStage, (code: number) => string> = {
  greeting: (code) => (code >= 500 ? 'Service unavailable' : 'Service not available, try again later'),
  recipient: (code) => (code >= 500 ? '5.1.1 User unknown' : '4.2.1 Mailbox busy, try again later'),
  data: (code) => (code >= 500 ? 'Mailbox unavailable' : 'Try again later'),
};

/**
 * A real SMTP server on loopback (the `smtp-server` package) that keeps what it
 * receives and can refuse on demand, at the greeting, a recipient or the data:
 * a temporary 4xx, a permanent 5xx, or a refused login.
 */
export class SmtpSink {
  readonly received: ReceivedMail[] = [];
  private failing: { code: number; remaining: number; stage: SmtpStage } | undefined;
  /** Recipients refused at RCPT TO every time, while the others are accepted: a mailbox that does not exist. */
  private readonly unknown = new Set<string>();
  private server: SMTPServer | undefined;
  port = 0;

  constructor(
    private readonly credentials: { user: string; pass: string } = { user: 'alerts', pass: 'smtp-test-password' },
    private readonly onMail?: (mail: ReceivedMail) => void,
  ) {}

  get url(): string {
    return `smtp://${this.credentials.user}:${this.credentials.pass}@127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    const { SMTPServer } = await import('smtp-server');
    this.server = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authOptional: false,
      logger: false,
      onConnect: (_session, callback) => callback(this.refusal('greeting') ?? undefined),
      onRcptTo: (address, _session, callback) => {
        if (this.unknown.has(address.address)) return callback(Object.assign(new Error(REFUSALS.recipient(550)), { responseCode: 550 }));
        callback(this.refusal('recipient') ?? undefined);
      },
      onAuth: (auth, _session, callback) => {
        if (auth.username === this.credentials.user && auth.password === this.credentials.pass) callback(null, { user: auth.username });
        else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      },
      onData: (stream, session, callback) => {
        let raw = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => (raw += chunk));
        stream.on('end', () => {
          const refused = this.refusal('data');
          if (refused) return callback(refused);
          const subject = /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(raw)?.[1]?.replace(/\r?\n[ \t]/g, ' ') ?? '';
          const mail: ReceivedMail = {
            at: Date.now(),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
            subject: decodeMimeWords(subject),
          };
          this.received.push(mail);
          this.onMail?.(mail);
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  /** Refuse `address` at RCPT TO with 550 from now on, accepting the message's other recipients. */
  refuseRecipient(address: string): void {
    this.unknown.add(address);
  }

  /** Refuse the next `count` times `stage` is reached with an SMTP reply code (451 temporary, 550 permanent). */
  failNext(count: number, code = 451, stage: SmtpStage = 'data'): void {
    this.failing = { code, remaining: count, stage };
  }

  private refusal(stage: SmtpStage): Error | undefined {
    const failing = this.failing;
    if (!failing || failing.stage !== stage || failing.remaining <= 0) return undefined;
    failing.remaining -= 1;
    return Object.assign(new Error(REFUSALS[stage](failing.code)), { responseCode: failing.code });
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Decodes RFC 2047 encoded words (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`) in a header. */
export function decodeMimeWords(header: string): string {
  return header
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_whole, _charset: string, encoding: string, text: string) => {
      if (encoding.toUpperCase() === 'B') return Buffer.from(text, 'base64').toString('utf8');
      const bytes = text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
      return Buffer.from(bytes, 'latin1').toString('utf8');
    });
}
