import { createTransport } from 'nodemailer';
import type { AlertRecord } from '../catalog/index.js';
import type { AlertChannel } from './alerts-config.js';

/** What a channel is told: an alert that fires, or one that has cleared. */
export interface AlertNotice {
  event: 'fired' | 'resolved';
  project: string;
  alert: Omit<AlertRecord, 'deliveries'>;
}

const TIMEOUT_MS = 10_000;

/** Sends one notice on one channel; throws with what went wrong (the caller retries and records it). */
export async function send(channel: AlertChannel, notice: AlertNotice): Promise<void> {
  switch (channel.type) {
    case 'webhook': {
      const headers: Record<string, string> = { ...channel.headers };
      for (const [header, env] of Object.entries(channel.headers_env)) headers[header] = fromEnv(env);
      return post(channel.url, webhookBody(notice), headers);
    }
    case 'slack':
      return post(channel.url, { text: textOf(notice) }, {});
    case 'email': {
      const user = channel.user_env ? fromEnv(channel.user_env) : undefined;
      const pass = channel.password_env ? fromEnv(channel.password_env) : undefined;
      const transport = createTransport({
        host: channel.host,
        port: channel.port,
        secure: channel.secure,
        ...(user !== undefined ? { auth: { user, pass: pass ?? '' } } : {}),
        connectionTimeout: TIMEOUT_MS,
        greetingTimeout: TIMEOUT_MS,
        socketTimeout: TIMEOUT_MS,
      });
      try {
        await transport.sendMail({ from: channel.from, to: channel.to, subject: subjectOf(notice), text: `${textOf(notice)}\n` });
      } finally {
        transport.close();
      }
    }
  }
}

export function webhookBody(n: AlertNotice): Record<string, unknown> {
  const a = n.alert;
  return {
    status: n.event === 'fired' ? 'firing' : 'resolved',
    project: n.project,
    alert: {
      id: a.alertId,
      rule: a.rule,
      kind: a.kind,
      subject: a.subject,
      message: a.message,
      fired_at: new Date(a.firedMs).toISOString(),
      ...(a.resolvedMs !== null ? { resolved_at: new Date(a.resolvedMs).toISOString(), resolution: a.resolution } : {}),
    },
  };
}

function subjectOf(n: AlertNotice): string {
  return `[silt ${n.project}] ${n.event === 'fired' ? 'FIRING' : 'RESOLVED'}: ${n.alert.rule} (${n.alert.subject})`;
}

function textOf(n: AlertNotice): string {
  const a = n.alert;
  return n.event === 'fired' ? `${subjectOf(n)}\n${a.message}` : `${subjectOf(n)}\n${a.resolution ?? ''}\n(fired: ${a.message})`;
}

async function post(url: string, body: unknown, headers: Record<string, string>): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  await res.arrayBuffer().catch(() => undefined);
  if (!res.ok) throw new Error(`${url} answered ${res.status} ${res.statusText}`);
}

function fromEnv(name: string): string {
  const v = process.env[name];
  if (v === undefined) throw new Error(`the environment variable ${name} (named in silt.yaml's alerts) is not set`);
  return v;
}
