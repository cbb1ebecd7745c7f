import { describe, expect, it } from 'vitest';
import { loginMessageJson } from '../../main/core/apps/login-message.js';
import { redact } from '../../main/core/common/log.js';
import { parsePbxFrame } from '../../main/core/protocol/pbx-messages.js';

describe('loginMessageJson', () => {
  it('relays every AppGetLoginResult field except mt and src, with info in the PBX order', () => {
    const frame = '{"mt":"AppGetLoginResult","src":"agl1","domain":"example.com","sip":"alice","guid":"g","dn":"Alice","pbxObj":"contacts","app":"innovaphone-contacts","info":{"appobj":"contacts","7":"x","apps":[]},"digest":"d","key":"k"}';
    const parsed = parsePbxFrame(frame);
    if (!parsed.ok) throw new Error('frame should parse');
    if (parsed.msg.mt !== 'AppGetLoginResult') throw new Error('wrong mt');
    const json = loginMessageJson({ result: parsed.msg, infoJson: parsed.infoJson! });
    expect(json).toBe('{"mt":"Login","domain":"example.com","sip":"alice","guid":"g","dn":"Alice","pbxObj":"contacts","app":"innovaphone-contacts","digest":"d","key":"k","info":{"appobj":"contacts","7":"x","apps":[]}}');
  });

  it('passes PBX errors on so the app can report them', () => {
    const json = loginMessageJson({ result: { mt: 'AppGetLoginResult', src: 's', app: 'x', error: 2, errorText: 'App not available' } });
    expect(JSON.parse(json)).toEqual({ mt: 'Login', app: 'x', error: 2, errorText: 'App not available' });
  });
});

describe('redact', () => {
  it('replaces secrets at any depth and keeps the rest', () => {
    const input = { mt: 'Login', username: 'alice', response: 'r', nonce: 'n', info: { session: { usr: 'u', pwd: 'p' }, list: [{ key: 'k', password: 'x', ok: 1 }] } };
    expect(redact(input)).toEqual({
      mt: 'Login',
      username: 'alice',
      response: '[redacted]',
      nonce: 'n',
      info: { session: { usr: '[redacted]', pwd: '[redacted]' }, list: [{ key: '[redacted]', password: '[redacted]', ok: 1 }] },
    });
  });
});
