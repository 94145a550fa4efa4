// Drives ivsrt-emulator with the real AWS SDK for JavaScript v3 (@aws-sdk/client-ivs-realtime,
// pinned in package-lock.json), its own SigV4 signing untouched: every one of the 39 operations,
// flows that succeed and errors. Usage: node ivs_compat.mjs <path to ivsrt-emulator>.
// Prints one line per failed check and "N passed, M failed"; exits 1 on any failure.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { generateKeyPairSync, sign as cryptoSign, randomUUID } from 'node:crypto';
import * as ivs from '@aws-sdk/client-ivs-realtime';

const emulatorPath = process.argv[2];
if (!emulatorPath) {
  console.error('usage: node ivs_compat.mjs <path to ivsrt-emulator>');
  process.exit(2);
}

// ---- the emulator --------------------------------------------------------------------------

const child = spawn(emulatorPath, ['--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('emulator did not start in 10 s')), 10000);
  child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  createInterface({ input: child.stdout }).once('line', (line) => {
    clearTimeout(timer);
    const match = /^listening on 127\.0\.0\.1:(\d+)$/.exec(line);
    if (match) resolve(Number(match[1]));
    else reject(new Error(`unexpected first line: ${line}`));
  });
});
const endpoint = `http://127.0.0.1:${port}`;

const credentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
const makeClient = (creds) =>
  new ivs.IVSRealTimeClient({ region: 'us-east-1', endpoint, credentials: creds, maxAttempts: 1 });
const client = makeClient(credentials);

// ---- checks --------------------------------------------------------------------------------

let passed = 0;
let failed = 0;
const used = new Set();

function expect(condition, what) {
  if (!condition) throw new Error(`expected ${what}`);
}

async function check(name, body) {
  try {
    await body();
    passed++;
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e && e.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : e}`);
  }
}

async function send(name, input, via = client) {
  used.add(name);
  return via.send(new ivs[`${name}Command`](input));
}

async function expectError(name, input, code, status, via = client) {
  try {
    await send(name, input, via);
  } catch (e) {
    expect(e.name === code, `${name} to fail with ${code}, got ${e.name}: ${e.message}`);
    expect(e.$metadata?.httpStatusCode === status, `HTTP ${status}, got ${e.$metadata?.httpStatusCode}`);
    expect(typeof e.$metadata?.requestId === 'string' && e.$metadata.requestId.length > 0,
      'a request id');
    return e;
  }
  throw new Error(`expected ${name} to fail with ${code}`);
}

async function control(action, body) {
  const response = await fetch(`${endpoint}/_emulator/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

const arnOf = (kind) => new RegExp(`^arn:aws:ivs:us-east-1:123456789012:${kind}/[a-zA-Z0-9]{12}$`);
const decodeJwt = (token) => token.split('.').slice(0, 2).map(
  (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));

// ---- stages, tokens, tags, pagination ------------------------------------------------------

let stageArn;
await check('stage lifecycle', async () => {
  const created = await send('CreateStage', {
    name: 'compat',
    tags: { suite: 'compat' },
    participantTokenConfigurations: [{ userId: 'first', duration: 60 }],
  });
  stageArn = created.stage.arn;
  expect(arnOf('stage').test(stageArn), `a stage ARN, got ${stageArn}`);
  expect(created.stage.endpoints.events.startsWith('wss://'), 'an events endpoint');
  expect(created.stage.endpoints.whip.startsWith('https://'), 'a whip endpoint');
  expect(created.stage.endpoints.rtmp.startsWith('rtmp://'), 'an rtmp endpoint');
  expect(created.stage.endpoints.rtmps.startsWith('rtmps://'), 'an rtmps endpoint');
  expect(created.participantTokens.length === 1 && created.participantTokens[0].userId === 'first',
    'one participant token');
  const got = await send('GetStage', { arn: stageArn });
  expect(got.stage.name === 'compat' && got.stage.tags.suite === 'compat', 'the stage back');
  const updated = await send('UpdateStage', { arn: stageArn, name: 'renamed' });
  expect(updated.stage.name === 'renamed', 'the new name');
});

await check('participant token', async () => {
  const { participantToken: t } = await send('CreateParticipantToken', {
    stageArn, userId: 'u1', attributes: { role: 'host' }, capabilities: ['PUBLISH', 'SUBSCRIBE'],
  });
  expect(t.duration === 720, 'the default duration of 720 minutes');
  expect(t.expirationTime instanceof Date, 'expirationTime parsed as a Date');
  const [header, claims] = decodeJwt(t.token);
  expect(header.alg === 'ES384', 'an ES384 token');
  expect(claims.resource === stageArn && claims.jti === t.participantId, 'resource and jti claims');
  expect(claims.exp - claims.iat === 720 * 60, 'exp = iat + 12 h');
  expect(Math.abs(t.expirationTime.getTime() / 1000 - claims.exp) < 1, 'expirationTime = exp');
});

await check('tags with the ARN in the path', async () => {
  await send('TagResource', { resourceArn: stageArn, tags: { a: '1', b: '2' } });
  let { tags } = await send('ListTagsForResource', { resourceArn: stageArn });
  expect(tags.a === '1' && tags.b === '2' && tags.suite === 'compat', 'three tags');
  await send('UntagResource', { resourceArn: stageArn, tagKeys: ['a', 'suite'] });
  ({ tags } = await send('ListTagsForResource', { resourceArn: stageArn }));
  expect(JSON.stringify(tags) === '{"b":"2"}', `only b left, got ${JSON.stringify(tags)}`);
});

await check('pagination across pages', async () => {
  for (let i = 0; i < 4; i++) await send('CreateStage', { name: `page-${i}` });
  const seen = [];
  let pages = 0;
  for await (const page of ivs.paginateListStages({ client, pageSize: 2 }, {})) {
    pages++;
    seen.push(...page.stages.map((s) => s.arn));
  }
  used.add('ListStages');
  expect(pages === 3, `3 pages of 2, got ${pages}`);
  expect(new Set(seen).size === 5, `5 distinct stages, got ${seen.length}`);
  await expectError('ListStages', { nextToken: 'bm90LWEtdG9rZW4' }, 'ValidationException', 400);
});

// ---- participants, sessions, events --------------------------------------------------------

let sessionId;
let participantId;
await check('join, publish and leave via the control endpoints', async () => {
  const { participantToken: t } = await send('CreateParticipantToken', { stageArn, userId: 'alice' });
  const joined = await control('join', { token: t.token });
  expect(joined.status === 200, `join to succeed, got ${JSON.stringify(joined.body)}`);
  sessionId = joined.body.sessionId;
  participantId = joined.body.participant.participantId;
  expect((await control('publish', { stageArn, participantId })).status === 200, 'publish');

  const session = await send('GetStageSession', { stageArn, sessionId });
  expect(session.stageSession.startTime instanceof Date && !session.stageSession.endTime,
    'an active session');
  const sessions = await send('ListStageSessions', { stageArn });
  expect(sessions.stageSessions.length === 1, 'one session');
  const participants = await send('ListParticipants', { stageArn, sessionId });
  expect(participants.participants.length === 1 && participants.participants[0].published,
    'one published participant');
  const p = await send('GetParticipant', { stageArn, sessionId, participantId });
  expect(p.participant.userId === 'alice' && p.participant.state === 'CONNECTED', 'alice connected');
  const stage = await send('GetStage', { arn: stageArn });
  expect(stage.stage.activeSessionId === sessionId, 'the stage\'s active session');
});

await check('replication', async () => {
  const destination = (await send('CreateStage', { name: 'destination' })).stage.arn;
  const request = { sourceStageArn: stageArn, destinationStageArn: destination, participantId };
  const started = await send('StartParticipantReplication', request);
  expect(started.accessControlAllowOrigin === '*', 'response headers bound to the result');
  const { replicas } = await send('ListParticipantReplicas', { sourceStageArn: stageArn, participantId });
  expect(replicas.length === 1 && replicas[0].replicationState === 'ACTIVE', 'an active replica');
  await expectError('StartParticipantReplication', request, 'ConflictException', 409);
  await send('StopParticipantReplication', request);
  const after = await send('ListParticipantReplicas', { sourceStageArn: stageArn, participantId });
  expect(after.replicas[0].replicationState === 'STOPPED', 'a stopped replica');
});

await check('disconnect, events, session end, conflict on delete', async () => {
  await expectError('DeleteStage', { arn: stageArn }, 'ConflictException', 409);
  await send('DisconnectParticipant', { stageArn, participantId, reason: 'compat' });
  const { events } = await send('ListParticipantEvents', { stageArn, sessionId, participantId });
  const names = events.map((e) => e.name).join(',');
  expect(names === 'JOINED,PUBLISH_STARTED,REPLICATION_STARTED,REPLICATION_STOPPED,PUBLISH_STOPPED,LEFT',
    `the event sequence, got ${names}`);
  const session = await send('GetStageSession', { stageArn, sessionId });
  expect(session.stageSession.endTime instanceof Date, 'an ended session');
});

// ---- public keys and self-signed tokens ----------------------------------------------------

await check('public keys and a self-signed token', async () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
  const pem = publicKey.export({ type: 'spki', format: 'pem' });
  const imported = await send('ImportPublicKey', { publicKeyMaterial: pem, name: 'compat-key' });
  const keyArn = imported.publicKey.arn;
  expect(arnOf('public-key').test(keyArn), `a public key ARN, got ${keyArn}`);
  expect(/^([0-9a-f]{2}:){31}[0-9a-f]{2}$/.test(imported.publicKey.fingerprint), 'a fingerprint');
  await expectError('ImportPublicKey', { publicKeyMaterial: pem }, 'ConflictException', 409);
  const got = await send('GetPublicKey', { arn: keyArn });
  expect(got.publicKey.name === 'compat-key', 'the key back');
  const list = await send('ListPublicKeys', {});
  expect(list.publicKeys.some((k) => k.arn === keyArn), 'the key listed');

  const stage = (await send('GetStage', { arn: stageArn })).stage;
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'ES384', typ: 'JWT', kid: keyArn };
  const claims = {
    exp: now + 600, iat: now, jti: `self-${randomUUID().slice(0, 8)}`, resource: stageArn,
    topic: stageArn.split('/')[1], events_url: stage.endpoints.events, whip_url: stage.endpoints.whip,
    capabilities: { allow_publish: true, allow_subscribe: true }, version: '1.0', user_id: 'self',
  };
  const input = [header, claims].map((p) => Buffer.from(JSON.stringify(p)).toString('base64url')).join('.');
  const signature = cryptoSign('sha384', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  const token = `${input}.${signature.toString('base64url')}`;
  const joined = await control('join', { token });
  expect(joined.status === 200, `the self-signed join, got ${JSON.stringify(joined.body)}`);
  expect(joined.body.participant.participantId === claims.jti, 'jti as the participant id');
  await expectError('DeletePublicKey', { arn: keyArn }, 'ConflictException', 409);
  await control('leave', { stageArn, participantId: claims.jti });
  await send('DeletePublicKey', { arn: keyArn });
  const expired = await control('join', { token });
  expect(expired.status === 403, 'a token of a deleted key rejected');
});

// ---- configurations and compositions -------------------------------------------------------

await check('encoder, storage and ingest configurations, compositions', async () => {
  const encoder = (await send('CreateEncoderConfiguration', {
    name: 'hd', video: { width: 1280, height: 720, framerate: 30, bitrate: 2500000 },
  })).encoderConfiguration;
  expect(arnOf('encoder-configuration').test(encoder.arn), 'an encoder configuration ARN');
  expect((await send('GetEncoderConfiguration', { arn: encoder.arn })).encoderConfiguration.name === 'hd',
    'the encoder configuration back');
  expect((await send('ListEncoderConfigurations', {})).encoderConfigurations.length === 1,
    'one encoder configuration');

  const storage = (await send('CreateStorageConfiguration', {
    name: 'bucket', s3: { bucketName: 'compat-bucket' },
  })).storageConfiguration;
  expect(arnOf('storage-configuration').test(storage.arn), 'a storage configuration ARN');
  expect((await send('GetStorageConfiguration', { arn: storage.arn })).storageConfiguration.s3.bucketName ===
    'compat-bucket', 'the storage configuration back');
  expect((await send('ListStorageConfigurations', {})).storageConfigurations.length === 1,
    'one storage configuration');

  const ingest = (await send('CreateIngestConfiguration', {
    name: 'obs', stageArn, ingestProtocol: 'RTMPS', userId: 'streamer',
  })).ingestConfiguration;
  expect(arnOf('ingest-configuration').test(ingest.arn), 'an ingest configuration ARN');
  expect(ingest.state === 'INACTIVE' && /^rt_[0-9]+_/.test(ingest.streamKey), 'an inactive ingest');
  expect((await send('GetIngestConfiguration', { arn: ingest.arn })).ingestConfiguration.userId === 'streamer',
    'the ingest configuration back');
  const updated = await send('UpdateIngestConfiguration', { arn: ingest.arn, redundantIngest: true });
  expect(updated.ingestConfiguration.redundantIngest === true, 'the update');
  expect((await send('ListIngestConfigurations', { filterByStageArn: stageArn })).ingestConfigurations.length === 1,
    'one ingest configuration for the stage');
  const encoderJoin = await control('ingest-start', { streamKey: ingest.streamKey });
  expect(encoderJoin.status === 200 && encoderJoin.body.participant.protocol === 'RTMPS',
    `a simulated RTMPS publisher, got ${JSON.stringify(encoderJoin.body)}`);
  expect((await send('GetIngestConfiguration', { arn: ingest.arn })).ingestConfiguration.state === 'ACTIVE',
    'an active ingest configuration');
  await expectError('DeleteIngestConfiguration', { arn: ingest.arn }, 'ConflictException', 409);
  await send('DeleteIngestConfiguration', { arn: ingest.arn, force: true });

  const { composition } = await send('StartComposition', {
    stageArn,
    destinations: [{ s3: { storageConfigurationArn: storage.arn, encoderConfigurationArns: [encoder.arn] } }],
  });
  expect(arnOf('composition').test(composition.arn) && composition.state === 'STARTING', 'a starting composition');
  expect((await send('GetComposition', { arn: composition.arn })).composition.state === 'ACTIVE',
    'an active composition');
  expect((await send('ListCompositions', { filterByStageArn: stageArn })).compositions.length === 1,
    'one composition');
  await expectError('DeleteEncoderConfiguration', { arn: encoder.arn }, 'ConflictException', 409);
  await send('StopComposition', { arn: composition.arn });
  expect((await send('GetComposition', { arn: composition.arn })).composition.state === 'STOPPED',
    'a stopped composition');
  await send('DeleteEncoderConfiguration', { arn: encoder.arn });
  await send('DeleteStorageConfiguration', { arn: storage.arn });
});

// ---- errors --------------------------------------------------------------------------------

await check('validation error', async () => {
  const e = await expectError('CreateParticipantToken', { stageArn, duration: 0 }, 'ValidationException', 400);
  expect(e.message.includes('duration'), `a message naming duration, got ${e.message}`);
});

await check('not found', async () => {
  await expectError('GetStage', { arn: 'arn:aws:ivs:us-east-1:123456789012:stage/abcdABCDefgh' },
    'ResourceNotFoundException', 404);
  await expectError('ListTagsForResource', { resourceArn: 'arn:aws:ivs:us-east-1:123456789012:stage/nope' },
    'ResourceNotFoundException', 404);
});

await check('wrong secret and unknown key', async () => {
  const wrongSecret = makeClient({ ...credentials, secretAccessKey: 'not-the-secret' });
  await expectError('ListStages', {}, 'InvalidSignatureException', 403, wrongSecret);
  const unknownKey = makeClient({ ...credentials, accessKeyId: 'AKIDUNKNOWNKEY' });
  await expectError('ListStages', {}, 'UnrecognizedClientException', 403, unknownKey);
});

await check('stage deletion', async () => {
  await send('DeleteStage', { arn: stageArn });
  await expectError('GetStage', { arn: stageArn }, 'ResourceNotFoundException', 404);
});

await check('all 39 operations were called', async () => {
  const all = Object.keys(ivs).filter((k) => /^[A-Z][A-Za-z]+Command$/.test(k)).map((k) => k.slice(0, -7));
  const missing = all.filter((name) => !used.has(name));
  expect(all.length === 39, `39 operations in the SDK, got ${all.length}`);
  expect(missing.length === 0, `every operation called, missing ${missing.join(', ')}`);
});

child.kill('SIGTERM');
const exitCode = await new Promise((resolve) => child.once('exit', (code) => resolve(code)));
await check('the emulator stops cleanly on SIGTERM', async () => {
  expect(exitCode === 0, `exit code 0, got ${exitCode}`);
});

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
