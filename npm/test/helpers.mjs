// Node-only test helpers.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cairnBinary } from '../../web-demo/cairn-serve.mjs';

/** A fresh directory, removed when the test `t` ends. */
export async function tempDir(t) {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let native;

/** The native `cairn` binary, built once per process (see web-demo/cairn-serve.mjs). */
export function nativeCairn() {
  native ??= cairnBinary();
  return native;
}

/** The Node `cairn` bin's command: [node, bin/cairn.js]. */
export const NODE_CAIRN = [process.execPath, fileURLToPath(new URL('../bin/cairn.js', import.meta.url))];

/**
 * Runs `cmd` (an array: program and leading arguments) with `args` in `cwd`, `input` on its
 * standard input: { status, stdout, stderr }.
 */
export function runIn(cwd, cmd, args, env = {}, input = undefined) {
  const [program, ...lead] = cmd;
  const out = spawnSync(program, [...lead, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env }, input });
  if (out.error) throw out.error;
  return out;
}

/**
 * Starts one of the project's throw-away servers (scripts/ceph.sh, scripts/azurite.sh) in a
 * new folder; it stops by itself when this process exits, or earlier by `stop()` (by the PIDs
 * in its folder). Resolves to { dir, env, stop } with the `export` lines of its env file.
 */
export async function startServer(script) {
  const dir = await mkdtemp(join(tmpdir(), 'cairn-server-'));
  const started = spawnSync('bash', [join(ROOT, script), 'start', dir, '--until-exit', String(process.pid)], { encoding: 'utf8' });
  if (started.status !== 0) throw new Error(`${script} start failed (scripts/setup.sh installs what it needs): ${started.stderr}`);
  const text = readFileSync(join(dir, 'env'), 'utf8');
  const env = Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l.startsWith('export '))
      .map((l) => {
        const [k, ...v] = l.slice('export '.length).split('=');
        return [k, v.join('=')];
      }),
  );
  const stop = () => spawnSync('bash', [join(ROOT, script), 'stop', dir], { encoding: 'utf8' });
  return { dir, env, stop };
}

/** Creates an S3 bucket on the gateway `env` names (signed by curl's SigV4, as Ceph wants). */
export function createBucket(env, name) {
  const user = `${env.AWS_ACCESS_KEY_ID}:${env.AWS_SECRET_ACCESS_KEY}`;
  const sign = ['--aws-sigv4', 'aws:amz:us-east-1:s3', '--user', user, '-H', 'x-amz-content-sha256: UNSIGNED-PAYLOAD'];
  const made = spawnSync('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-X', 'PUT', ...sign, `${env.AWS_ENDPOINT_URL}/${name}`], { encoding: 'utf8' });
  if (made.stdout !== '200') throw new Error(`creating bucket ${name}: HTTP ${made.stdout} ${made.stderr}`);
}

/**
 * Lets pages from any origin use an S3 bucket (PutBucketCors): the methods Cairn sends, any
 * request header, and the response headers the client reads (ETag for the manifest swap,
 * Content-Range for ranged reads).
 */
export function allowCors(env, bucket) {
  const methods = ['GET', 'PUT', 'HEAD', 'DELETE', 'POST'].map((m) => `<AllowedMethod>${m}</AllowedMethod>`).join('');
  const expose = ['ETag', 'Content-Length', 'Content-Range', 'Last-Modified'].map((h) => `<ExposeHeader>${h}</ExposeHeader>`).join('');
  const rule = `<CORSRule><AllowedOrigin>*</AllowedOrigin>${methods}<AllowedHeader>*</AllowedHeader>${expose}</CORSRule>`;
  const body = `<CORSConfiguration>${rule}</CORSConfiguration>`;
  const md5 = createHash('md5').update(body).digest('base64');
  const user = `${env.AWS_ACCESS_KEY_ID}:${env.AWS_SECRET_ACCESS_KEY}`;
  const args = ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-X', 'PUT', '--aws-sigv4', 'aws:amz:us-east-1:s3', '--user', user];
  const headers = ['-H', 'x-amz-content-sha256: UNSIGNED-PAYLOAD', '-H', `Content-MD5: ${md5}`, '-H', 'Content-Type: application/xml'];
  // `cors=`, not `cors`: curl signs a bare query key differently from how the gateway checks it.
  const made = spawnSync('curl', [...args, ...headers, '--data-binary', body, `${env.AWS_ENDPOINT_URL}/${bucket}?cors=`], { encoding: 'utf8' });
  if (made.stdout !== '200') throw new Error(`setting CORS on ${bucket}: HTTP ${made.stdout} ${made.stderr}`);
}
