/** Test support: real local receivers for alert channels, an HTTP endpoint and an SMTP server. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface HttpReceiver {
  url: string;
  /** Every request received, by path: its parsed JSON body. */
  received: { path: string; body: any }[];
  /** The next `n` requests are answered 500 (a receiver having trouble). */
  failNext(n: number): void;
  close(): Promise<void>;
}

export async function startHttpReceiver(): Promise<HttpReceiver> {
  const received: HttpReceiver['received'] = [];
  let failing = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Uint8Array[] = [];
    req.on('data', (c: Uint8Array) => chunks.push(c));
    req.on('end', () => {
      if (failing > 0) {
        failing -= 1;
        res.writeHead(500).end('down for a moment');
        return;
      }
      received.push({ path: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    failNext: (n) => void (failing = n),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface MailReceiver {
  port: number;
  /** Each message: envelope sender, recipients, the login used, and the raw message text. */
  messages: { from: string; to: string[]; user: string | undefined; raw: string }[];
  close(): Promise<void>;
}

/** An SMTP server on loopback that accepts the one login given and keeps every message. */
export async function startMailReceiver(login: { user: string; pass: string }): Promise<MailReceiver> {
  const messages: MailReceiver['messages'] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: false,
    logger: false,
    disableReverseLookup: true,
    onAuth(auth, _session, done) {
      if (auth.username === login.user && auth.password === login.pass) done(null, { user: auth.username });
      else done(new Error('invalid login'));
    },
    onData(stream, session, done) {
      const chunks: Uint8Array[] = [];
      stream.on('data', (c: Uint8Array) => chunks.push(c));
      stream.on('end', () => {
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: session.user as string | undefined,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        done();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    messages,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A port on loopback nothing listens on (taken, then given back). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
