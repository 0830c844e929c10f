/**
 * The built package: `npm run build` emits dist/, the exports map resolves the package root to
 * dist/index.js with types, and the demo (`npm start`) runs on built-in defaults.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, expect, test } from 'vitest';

const root = resolve(import.meta.dirname, '..');

beforeAll(() => {
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json')], { cwd: root, stdio: 'pipe' });
}, 120_000);

test('the exports map points the package root at dist/index.js with types', async () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', import: './dist/index.js' });
  expect(existsSync(join(root, 'dist', 'index.js'))).toBe(true);
  expect(existsSync(join(root, 'dist', 'index.d.ts'))).toBe(true);
  // Resolve the package by its own name, as a user would (Node's package self-reference).
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', "const k = await import('chat-keykit'); console.log(Object.keys(k).sort().join(','))"], { cwd: root, encoding: 'utf8' });
  for (const name of ['generateIdentity', 'prepareGroupCreate', 'createGroupRequest', 'verifyCreateGroupRequest', 'buildKeyRotation', 'KeykitError']) expect(out.split(',')).toContain(name);
  expect(Object.keys(pkg.dependencies).sort()).toEqual(['@noble/ciphers', '@noble/curves', '@noble/hashes', 'uint8arrays']);
});

test('the demo creates, assembles and verifies a group create', () => {
  const r = spawnSync(process.execPath, [join(root, 'dist', 'cli', 'demo.js')], { cwd: root, encoding: 'utf8' });
  expect(r.status).toBe(0);
  const body = JSON.parse(r.stdout);
  expect(body.group_members).toEqual(['111', '222', '333', '444']);
  expect(body.action_signatures).toHaveLength(2);
  expect(r.stderr).toMatch(/verdict: VALID/);
});

test('the bin runs from dist: chat-keykit --help and a usage error', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const bin = join(root, pkg.bin['chat-keykit']);
  expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  const ok = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
  expect(ok.status).toBe(0);
  expect(ok.stdout).toMatch(/group-create/);
  const bad = spawnSync(process.execPath, [bin, 'keygen'], { encoding: 'utf8' });
  expect(bad.status).toBe(2);
  expect(bad.stderr).toMatch(/--user-id is required/);
});
