import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { JwtService } from '@nestjs/jwt';
import { CommonEnvironment, TokenVerifier, validateEnvironment } from '@casebridge/common';
import { resetDatabase, resetTopics } from '../../support/infra';
import { ServiceProcess, startServiceProcess } from '../../support/service-process';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * Runs `npm run token -- <args>` as a developer would and returns what it printed. Asynchronous:
 * a blocked event loop would miss the service closing idle keep-alive sockets.
 */
function npmRunToken(...args: string[]): Promise<{ status: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'token', '--', ...args], {
      cwd: ROOT,
      env: process.env,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout: stdout.trim() }));
  });
}

describe('npm run token: a development token the services accept', () => {
  const verifier = new TokenVerifier(
    new JwtService(),
    validateEnvironment(CommonEnvironment, { ...process.env }),
  );
  let intake: ServiceProcess;

  beforeAll(async () => {
    await resetTopics();
    await resetDatabase('intake');
    intake = await startServiceProcess('intake');
  });

  afterAll(() => intake?.stop());

  it('prints one token the verifier accepts, with the role, consulate and subject asked for', async () => {
    const run = await npmRunToken('--role', 'consul', '--consulate', 'RU-MOW', '--sub', 'alice');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    await expect(verifier.verify(run.stdout)).resolves.toEqual({
      sub: 'alice',
      roles: ['consul'],
      consulateId: 'RU-MOW',
    });
  });

  it('gives a role without a consulate and a default subject when none is asked for', async () => {
    const run = await npmRunToken('--role', 'intake_officer');
    expect(run.status).toBe(0);
    await expect(verifier.verify(run.stdout)).resolves.toEqual({
      sub: 'dev-intake_officer',
      roles: ['intake_officer'],
      consulateId: null,
    });
  });

  it('is accepted by the running intake service in the role asked, and no other', async () => {
    const call = (token: string, method = 'GET', body?: string) =>
      fetch(`${intake.url}/v1/cases`, {
        method,
        headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body,
      });
    const caseworker = (await npmRunToken('--role', 'caseworker', '--consulate', 'KZ-ALA')).stdout;
    expect((await call(caseworker)).status).toBe(200);
    // A manager reads reports, not case files: the token carries the role asked, not more.
    const manager = (await npmRunToken('--role', 'manager')).stdout;
    expect((await call(manager)).status).toBe(403);
    expect((await call(manager, 'POST', '{}')).status).toBe(403);
  });

  it('refuses consular roles without a consulate and unknown roles, printing no token', async () => {
    for (const args of [['--role', 'caseworker'], ['--role', 'root'], []]) {
      const run = await npmRunToken(...args);
      expect({ args, status: run.status, stdout: run.stdout }).toEqual({
        args,
        status: 2,
        stdout: '',
      });
    }
  });
});
