/** Keeps the IT docs true: every policy example in docs/it-deployment.md and the README's IT section is accepted as written. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parsePolicy, securityKeys } from '../../main/core/config/policy.js';

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

describe('docs/it-deployment.md: security settings fail closed', () => {
  const section = /\*\*Security settings fail closed\.\*\*([\s\S]*?)\n## /.exec(read('docs/it-deployment.md'))?.[1] ?? '';
  const table = [...section.matchAll(/^\| (`[^|]+`) \| (.+) \|$/gm)].map((m) => ({ keys: m[1]!, value: m[2]! }));

  it('lists a safe value for every security key, and only for those', () => {
    const documented = table.flatMap((row) => [...row.keys.matchAll(/`(\w+)`/g)].map((m) => m[1]));
    expect(documented.sort()).toEqual([...securityKeys].sort());
  });

  it("names the README's security keys too", () => {
    const readmeIt = /## IT deployment\n([\s\S]*?)\n## /.exec(read('README.md'))?.[1] ?? '';
    const sentence = /Security settings fail closed:([\s\S]*?)\)\./.exec(readmeIt)?.[1] ?? '';
    expect([...sentence.matchAll(/`(\w+)`/g)].map((m) => m[1]).sort()).toEqual([...securityKeys].sort());
  });
});
