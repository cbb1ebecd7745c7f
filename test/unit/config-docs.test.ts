/** Keeps docs/it-deployment.md true: every JSON example in it is a policy the client accepts as written. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../main/core/config/policy.js';

const doc = readFileSync(fileURLToPath(new URL('../../docs/it-deployment.md', import.meta.url)), 'utf8');
const examples = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('docs/it-deployment.md', () => {
  it('has a policy example', () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  it.each(examples.map((e, i) => [i, e]))('example %i is a valid policy with no problems', (_i, text) => {
    const { policy, problems } = parsePolicy(text, 'docs/it-deployment.md');
    expect(problems).toEqual([]);
    expect(Object.keys(policy.defaults).length + Object.keys(policy.enforced).length).toBeGreaterThan(0);
  });
});
