/**
 * The Sendbird adapter's channel requests (src/adapters/sendbird/requests.ts): requests for the
 * documented uses, bad options, the multipart body parsed back, Supergroup plans and invites. (The
 * rules of each property, docs/sendbird.md §"Group channels", are in validate.test.ts.)
 */
import { describe, expect, test } from 'vitest';
import {
  createSendbirdGroupChannelRequest,
  inviteSendbirdUsersRequest,
  planSendbirdSupergroup,
  SendbirdValidationError,
  type SendbirdGroupChannelParams,
} from '../../helpers/kit.js';

const TOKEN = 'secret-api-token-4f1c2d9e8b7a';
const options = { applicationId: 'A1B2C3D4-E5F6-4789-ABCD-0123456789AB', apiToken: TOKEN };

const users = (n: number, prefix = 'u') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('create', () => {
  test('users as plain ids or as objects go into the body as given', () => {
    for (const list of [
      ['alice', 'bob'],
      [{ user_id: 'alice' }, { user_id: 'bob' }],
    ]) {
      expect(JSON.parse(createSendbirdGroupChannelRequest({ users: list } as SendbirdGroupChannelParams, options).body as string)).toEqual({
        users: list,
      });
    }
  });

  test('bad options are typed errors that never echo the token', () => {
    for (const [opts, field] of [
      [{ ...options, applicationId: 'evil.example.com/x' }, 'options.applicationId'],
      [{ ...options, apiToken: '' }, 'options.apiToken'],
      [{ ...options, apiToken: `${TOKEN}\r\nX-Evil: 1` }, 'options.apiToken'],
      [{ applicationId: options.applicationId }, 'options.apiToken'],
    ] as const) {
      let err: unknown;
      try {
        createSendbirdGroupChannelRequest({ user_ids: ['a'] }, opts as typeof options);
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({ code: 'ERR_INVALID_ARGUMENT', field });
      expect(`${String(err)} ${JSON.stringify(err)}`).not.toContain(TOKEN);
    }
  });
});

describe('requests for the uses docs/sendbird.md documents', () => {
  test('a group channel: JSON body, Api-Token header, the application host', () => {
    const r = createSendbirdGroupChannelRequest(
      { user_ids: ['alice', 'bob'], name: 'Team', custom_type: 'team', data: 'hello', operator_ids: ['alice'] },
      options,
    );
    expect(r).toMatchObject({
      method: 'POST',
      url: 'https://api-A1B2C3D4-E5F6-4789-ABCD-0123456789AB.sendbird.com/v3/group_channels',
      path: '/v3/group_channels',
    });
    expect(r.headers).toEqual({ 'Api-Token': TOKEN, 'Content-Type': 'application/json; charset=utf8' });
    expect(JSON.parse(r.body as string)).toEqual({
      user_ids: ['alice', 'bob'],
      name: 'Team',
      custom_type: 'team',
      data: 'hello',
      operator_ids: ['alice'],
    });
  });

  test.each([
    ['distinct 1:1', { user_ids: ['alice', 'bob'], is_distinct: true }],
    ['public with access code', { users: [{ user_id: 'alice' }], is_public: true, access_code: '8080' }],
    ['Supergroup', { user_ids: ['alice', 'bob'], is_super: true, channel_url: 'launch_room' }],
    [
      'strict, ephemeral, hidden',
      { user_ids: ['alice', 'bob'], strict: true, is_ephemeral: true, hidden_status: { bob: 'hidden_prevent_auto_unhide' } },
    ],
    [
      'invited members',
      {
        user_ids: ['alice', 'bob'],
        inviter_id: 'alice',
        invitation_status: { bob: 'invited_by_non_friend' },
        block_sdk_user_channel_join: true,
      },
    ],
  ] as [string, SendbirdGroupChannelParams][])('%s: the body is exactly the properties', (_n, params) => {
    expect(JSON.parse(createSendbirdGroupChannelRequest(params, options).body as string)).toEqual(params);
  });

  test('a cover file makes a multipart body; parsed back, every field is there', async () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const r = createSendbirdGroupChannelRequest(
      {
        user_ids: ['alice', 'bob'],
        name: 'Team',
        is_public: true,
        invitation_status: { bob: 'joined' },
        cover_file: { data: png, filename: 'cover.png', type: 'image/png' },
      },
      options,
    );
    expect(r.headers).toEqual({ 'Api-Token': TOKEN });
    expect(r.body).toBeInstanceOf(FormData);
    const form = await new Response(r.body as FormData).formData();
    expect(form.get('name')).toBe('Team');
    expect(form.get('is_public')).toBe('true');
    expect(JSON.parse(form.get('user_ids') as string)).toEqual(['alice', 'bob']);
    expect(JSON.parse(form.get('invitation_status') as string)).toEqual({ bob: 'joined' });
    const file = form.get('cover_file') as File;
    expect(file.name).toBe('cover.png');
    expect(file.type).toBe('image/png');
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(png);
    const text = await new Response(r.body as FormData).text();
    expect(text).toMatch(/Content-Disposition: form-data; name="cover_file"; filename="cover.png"/);
    // A platform Blob works too.
    const withBlob = createSendbirdGroupChannelRequest({ user_ids: ['a'], cover_file: new Blob([png], { type: 'image/png' }) }, options);
    expect(((await new Response(withBlob.body as FormData).formData()).get('cover_file') as File).size).toBe(png.length);
  });
});

describe('Supergroups larger than 100', () => {
  test('250 users: a create with 100, invites of 100 and 50, in order; operators go first', () => {
    const ids = users(250);
    const plan = planSendbirdSupergroup(
      { user_ids: ids, operator_ids: ['u200', 'u5'], name: 'Big', is_super: true },
      { ...options, generateChannelUrl: () => 'big_room' },
    );
    expect(plan.channelUrl).toBe('big_room');
    const created = JSON.parse(plan.create.body as string);
    expect(created.user_ids).toHaveLength(100);
    expect(created.user_ids.slice(0, 2)).toEqual(['u5', 'u200']);
    expect(created).toMatchObject({ is_super: true, channel_url: 'big_room', operator_ids: ['u200', 'u5'] });
    expect(plan.invites.map((r) => [r.method, r.path, JSON.parse(r.body as string).user_ids.length])).toEqual([
      ['POST', '/v3/group_channels/big_room/invite', 100],
      ['POST', '/v3/group_channels/big_room/invite', 50],
    ]);
    const all = [...created.user_ids, ...plan.invites.flatMap((r) => JSON.parse(r.body as string).user_ids)];
    expect(new Set(all).size).toBe(250);
    expect(all.filter((u: string) => u !== 'u5' && u !== 'u200')).toEqual(ids.filter((u) => u !== 'u5' && u !== 'u200'));
  });

  test('a generated channel URL is valid and unpredictable; is_super defaults to true, false or a non-boolean is refused', () => {
    const a = planSendbirdSupergroup({ user_ids: users(120) }, options);
    const b = planSendbirdSupergroup({ user_ids: users(120) }, options);
    expect(a.channelUrl).toMatch(/^sb_[a-z0-9]{24}$/);
    expect(a.channelUrl).not.toBe(b.channelUrl);
    expect(JSON.parse(a.create.body as string).is_super).toBe(true);
    expect(() => planSendbirdSupergroup({ user_ids: users(120), is_super: false }, options)).toThrow(SendbirdValidationError);
    let err: unknown;
    try {
      planSendbirdSupergroup({ user_ids: users(120), is_super: 'yes' } as unknown as SendbirdGroupChannelParams, options);
    } catch (e) {
      err = e;
    }
    expect((err as SendbirdValidationError).problems).toContainEqual(expect.objectContaining({ path: 'is_super', sendbirdCode: 400104 }));
  });

  test('the inviter and users with a status go into the first batch too; more than 100 of them is refused', () => {
    const plan = planSendbirdSupergroup(
      {
        user_ids: users(150),
        inviter_id: 'u149',
        invitation_status: { u120: 'invited_by_friend' },
        hidden_status: { u110: 'hidden_allow_auto_unhide' },
      },
      { ...options, generateChannelUrl: () => 'big_room' },
    );
    const first = JSON.parse(plan.create.body as string).user_ids as string[];
    expect(first.slice(0, 3).sort()).toEqual(['u110', 'u120', 'u149']);
    expect(first).toHaveLength(100);
    const many = Object.fromEntries(users(101).map((u) => [u, 'joined']));
    expect(() => planSendbirdSupergroup({ user_ids: users(150), invitation_status: many } as SendbirdGroupChannelParams, options)).toThrow(
      /must all be in the first 100/,
    );
  });

  test('an invite carries up to 100 users; 101 is refused for the per-request limit only', () => {
    const r = inviteSendbirdUsersRequest('big_room', users(100), options);
    expect(r).toMatchObject({
      method: 'POST',
      path: '/v3/group_channels/big_room/invite',
      url: `https://api-${options.applicationId}.sendbird.com/v3/group_channels/big_room/invite`,
    });
    expect(JSON.parse(r.body as string)).toEqual({ user_ids: users(100) });
    let err: unknown;
    try {
      inviteSendbirdUsersRequest('big_room', users(101), options);
    } catch (e) {
      err = e;
    }
    expect((err as SendbirdValidationError).problems.map((p) => [p.path, p.sendbirdCode, /per request/.test(p.message)])).toEqual([
      ['user_ids', 400203, true],
    ]);
  });

  test('an invite without a channel URL is refused, not sent to /v3/group_channels/undefined/invite', () => {
    let err: unknown;
    try {
      inviteSendbirdUsersRequest(undefined as unknown as string, users(2), options);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SendbirdValidationError);
    expect((err as SendbirdValidationError).problems).toContainEqual(
      expect.objectContaining({ path: 'channel_url', sendbirdCode: 400105 }),
    );
  });
});
