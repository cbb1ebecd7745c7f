/** Keeps the IT docs true: every policy example in docs/it-deployment.md and the README's IT section is accepted as written. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../main/core/config/policy.js';

const read = (path: string) => readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');
const readmeIt = /## IT deployment\n([\s\S]*?)\n## /.exec(read('README.md'))?.[1] ?? '';
const examples = [...(read('docs/it-deployment.md') + readmeIt).matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('docs/it-deployment.md', () => {
  it('has policy examples in both documents', () => {
    expect(readmeIt).toContain('```json');
    expect(examples.length).toBeGreaterThan(1);
  });

  it.each(examples.map((e, i) => [i, e]))('example %i is a valid policy with no problems', (_i, text) => {
    const { policy, problems } = parsePolicy(text, 'docs/it-deployment.md');
    expect(problems).toEqual([]);
    expect(Object.keys(policy.defaults).length + Object.keys(policy.enforced).length).toBeGreaterThan(0);
  });
});
