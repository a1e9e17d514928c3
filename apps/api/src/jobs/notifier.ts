import nodemailer from 'nodemailer';
import type { Env } from '../config/env';
import type { Logger } from '../config/logger';
import type { FailureNotice } from './runner';

/** Tells staff (ALERT_EMAILS) that a job failed for good and needs a look or a retry. */
export function createFailureNotifier(env: Env, logger: Logger) {
  if (!env.ALERT_EMAILS.length) return undefined;
  const transport = nodemailer.createTransport({
    host: env.SMTP_HOST,
    port: env.SMTP_PORT,
    secure: env.SMTP_SECURE,
    auth: env.SMTP_USER ? { user: env.SMTP_USER, pass: env.SMTP_PASS } : undefined,
    connectionTimeout: 5000,
    greetingTimeout: 5000,
    socketTimeout: 10000,
  });
  return async ({ job, error }: FailureNotice): Promise<void> => {
    await transport.sendMail({
      from: env.EMAIL_FROM,
      to: env.ALERT_EMAILS,
      subject: `[mPanel] ${job.type} failed after ${job.attempts} attempt(s)`,
      text: [
        `Job ${job.id} (${job.type}) failed for good.`,
        job.orderId ? `Order: ${job.orderId}` : undefined,
        `Last error: ${error}`,
        '',
        `Open ${env.APP_URL}/jobs/${job.id} to see every attempt and retry it.`,
      ]
        .filter((l) => l !== undefined)
        .join('\n'),
    });
    logger.info({ jobId: job.id, to: env.ALERT_EMAILS.length }, 'failure notice sent');
  };
}
