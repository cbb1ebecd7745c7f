/**
 * Anything answering at the PBX address can send anything, before any digest is checked. A
 * raw WebSocket server plays such a PBX here (not the emulator, which only sends what a PBX
 * would): frames nested thousands of levels deep, frames over the size limit. The client must
 * neither throw out of its frame handler (that would end the process) nor hang: each bad frame
 * is logged once with its reason, and the session goes on or ends with a clear error.
 */
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { LogLevel } from '../../main/core/common/log.js';
import { PbxSession } from '../../main/core/pbx/session.js';
import { MAX_PBX_FRAME_BYTES } from '../../main/core/pbx/transport.js';
import { parsePbxFrame } from '../../main/core/protocol/pbx-messages.js';
import { MAX_JSON_DEPTH, jsonNestsDeeperThan } from '../../main/core/protocol/validate.js';
import { doctor } from '../../main/cli/doctor.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const deep = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** A server that answers the first Login with Authenticate and the second with what `answer` makes. */
async function hostilePbx(answer: (login: Record<string, string>, challenge: string) => string | string[]): Promise<string> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', maxPayload: 64 * 1024 * 1024 });
  await new Promise((r) => wss.once('listening', r));
  cleanups.push(() => new Promise((r) => wss.close(r)));
  wss.on('connection', (ws: WebSocket) => {
    cleanups.push(() => ws.terminate());
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as Record<string, string>;
      if (msg.mt !== 'Login') return;
      if (!msg.response) ws.send(JSON.stringify({ mt: 'Authenticate', type: msg.type, method: 'digest', domain: 'example.com', challenge: 'fedcba9876543210' }));
      else for (const frame of [answer(msg, 'fedcba9876543210')].flat()) ws.send(frame);
    });
  });
  return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/PBX0/APPCLIENT/websocket`;
}

function session(url: string, logs: { level: LogLevel; message: string; fields?: Record<string, unknown> }[]) {
  const s = new PbxSession({ address: url, loginTimeoutMs: 1500, connectTimeoutMs: 2000, backoff: { initialMs: 60_000, maxMs: 60_000, random: () => 1 }, log: (level, message, fields) => logs.push({ level, message, ...(fields && { fields }) }) });
  cleanups.push(() => s.close());
  return s;
}

describe('nesting and size limits', () => {
  it('the depth scanner counts only structure, not brackets inside strings', () => {
    expect(jsonNestsDeeperThan(deep(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonNestsDeeperThan(deep(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(jsonNestsDeeperThan(JSON.stringify({ s: '['.repeat(10_000), t: 'x\\"[[[' }))).toBe(false);
    expect(jsonNestsDeeperThan('['.repeat(200_000))).toBe(true);
  });

  it('a LoginResult (or Redirect, AppGetLoginResult) nested 5,000+ levels deep is a malformed frame, not a crash', () => {
    for (const mt of ['LoginResult', 'Redirect', 'AppGetLoginResult']) {
      const text = `{"mt":"${mt}","info":${deep(6000)},"digest":"00"}`;
      expect(parsePbxFrame(text)).toEqual({ ok: false, error: `nested deeper than ${MAX_JSON_DEPTH} levels` });
    }
  });

  it('before any digest is checked: the session drops the deep LoginResult with a logged reason and ends with a clear error', async () => {
    const url = await hostilePbx(() => `{"mt":"LoginResult","info":${deep(6000)},"digest":"00"}`);
    const logs: { level: LogLevel; message: string; fields?: Record<string, unknown> }[] = [];
    const s = session(url, logs);
    const state = await s.login({ username: 'alice', password: 'Secret123!' });
    expect(state).toMatchObject({ kind: 'error' });
    const dropped = logs.filter((l) => l.message === 'dropped malformed frame from the PBX');
    expect(dropped).toEqual([{ level: 'warn', message: 'dropped malformed frame from the PBX', fields: { error: `nested deeper than ${MAX_JSON_DEPTH} levels` } }]);
  });

  it('a good frame after a bad one still counts: the login goes on (positive control)', async () => {
    const url = await hostilePbx((login, challenge) => {
      const info = { user: { domain: 'example.com', sip: 'alice' } };
      const infoJson = JSON.stringify(info);
      const digest = sha256(`innovaphoneAppClient:loginresult:example.com:alice:Secret123!:${login.nonce}:${challenge}:${infoJson}`);
      return [`{"mt":"UpdateUser","user":${deep(6000)}}`, JSON.stringify({ mt: 'LoginResult', info, digest })];
    });
    const logs: { level: LogLevel; message: string; fields?: Record<string, unknown> }[] = [];
    const s = session(url, logs);
    expect(await s.login({ username: 'alice', password: 'Secret123!' })).toMatchObject({ kind: 'logged-in' });
    expect(logs.some((l) => l.message === 'dropped malformed frame from the PBX')).toBe(true);
  });

  it(`a frame over ${MAX_PBX_FRAME_BYTES / 1024 / 1024} MiB ends the connection with that reason, never buffered`, async () => {
    const url = await hostilePbx(() => JSON.stringify({ mt: 'LoginResult', error: 2, errorText: 'x'.repeat(MAX_PBX_FRAME_BYTES) }));
    const logs: { level: LogLevel; message: string; fields?: Record<string, unknown> }[] = [];
    const s = session(url, logs);
    const state = await s.login({ username: 'alice', password: 'Secret123!' });
    expect(state.kind).toBe('error');
    expect(JSON.stringify(logs)).toContain(`the PBX sent a frame larger than ${MAX_PBX_FRAME_BYTES / 1024 / 1024} MiB`);
  });

  it('doctor against such a PBX prints a JSON error line and exits, no stack trace', async () => {
    const url = await hostilePbx(() => `{"mt":"LoginResult","info":${deep(6000)},"digest":"00"}`);
    const lines: Record<string, unknown>[] = [];
    const code = await doctor(['--pbx', url, '--user', 'alice', '--timeout', '1500'], (r) => lines.push(r), { MYAPPS_PASSWORD: 'Secret123!' });
    expect(code).not.toBe(0);
    expect(lines.at(-1)).toMatchObject({ step: 'error', reason: expect.any(String), message: expect.any(String) });
    expect(lines.some((l) => l.step === 'warning' && String(l.message).includes('nested deeper than'))).toBe(true);
  });
});
