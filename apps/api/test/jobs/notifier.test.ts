import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { FarSideError } from '../../src/integrations/errors';
import { createFailureNotifier } from '../../src/jobs/notifier';
import { createJobRunner } from '../../src/jobs/runner';
import { startJobWorkers } from '../../src/jobs/workers/job.worker';
import { makeApp, testEnv, type TestApp } from '../support/app';
import { eventually } from '../support/eventually';
import { makeTenant, uid } from '../support/factories';

/** Staff hear about a job that failed for good, through a real SMTP exchange on loopback. */
let t: TestApp;
let smtp: SMTPServer;
let port: number;
const received: ParsedMail[] = [];
const prefix = `${process.env.QUEUE_PREFIX}_notify_${uid(3)}`;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => received.push(mail))
        .then(() => callback(), callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  port = (smtp.server.address() as AddressInfo).port;
  t = await makeApp({ QUEUE_PREFIX: prefix, JOB_BACKOFF_MS: '20', JOB_MAX_ATTEMPTS: '2' });
});
afterAll(async () => {
  await t.close();
  await new Promise<void>((resolve) => smtp.close(resolve));
});

it('mails ALERT_EMAILS once when a job fails for good, naming the job and the error', async () => {
  const env = testEnv({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(port), ALERT_EMAILS: 'ops@example.com,oncall@example.com', APP_URL: 'http://127.0.0.1:2271' });
  const runner = createJobRunner({
    db: t.c.db,
    logger: t.c.logger,
    audit: t.c.audit,
    handlers: {
      async SERVER_HEALTH_CHECK() {
        throw new FarSideError('ssh', 'connecting to 127.0.0.1:1 failed: connect ECONNREFUSED', { retryable: true });
      },
    },
    onFinalFailure: createFailureNotifier(env, t.c.logger),
  });
  const workers = startJobWorkers({ redisUrl: env.REDIS_URL, prefix, concurrency: 1, lockDurationMs: 5000, runner, logger: t.c.logger });
  try {
    const tenant = await makeTenant(t.c.db);
    const [job] = await t.c.db.$transaction((tx) => t.c.jobs.create(tx, tenant.id, [{ type: 'SERVER_HEALTH_CHECK', payload: { serverId: 'srv_gone' } }]));
    await t.c.jobs.dispatch([job]);
    const mail = await eventually(async () => {
      if (!received.length) throw new Error('no mail yet');
      return received[0];
    }, 15000);
    expect(received).toHaveLength(1); // not one per attempt
    expect(mail.subject).toBe('[mPanel] SERVER_HEALTH_CHECK failed after 2 attempt(s)');
    expect(mail.text).toContain(`Job ${job.id}`);
    expect(mail.text).toContain('ECONNREFUSED');
    expect(mail.text).toContain(`http://127.0.0.1:2271/jobs/${job.id}`);
    const to = Array.isArray(mail.to) ? mail.to : [mail.to!];
    expect(to.flatMap((a) => a.value.map((v) => v.address))).toEqual(['ops@example.com', 'oncall@example.com']);
  } finally {
    await workers.close(1000);
  }
});
