/**
 * electron-builder's `msiProjectCreated` hook (electron-builder.yml): electron-builder has
 * written the MSI's WiX project (project.wxs, from its own template) and not yet compiled it.
 * This adds the policy fragment (policy.wxs: the PBX property, writing policy.json) to that
 * project and puts its script (policy.js) beside it, where the WiX linker finds it.
 *
 * Plain ESM JavaScript, as electron-builder loads hooks with Node's require/import (no TypeScript).
 */
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const POLICY_FRAGMENT = join(here, 'policy.wxs');
export const POLICY_SCRIPT = join(here, 'policy.js');
/** The script's name beside project.wxs: policy.wxs's <Binary SourceFile> (light resolves it in that folder). */
export const POLICY_SCRIPT_NAME = 'myapps-policy.js';

/**
 * The project with the fragment's <Fragment> after <Product>, and a <FeatureRef> to the
 * fragment's feature inside <Product> (a fragment is linked only when something refers to it).
 */
export function addPolicyFragment(project, fragmentDocument) {
  // Without comments (policy.wxs explains itself in them, naming elements too).
  const fragment = /<Fragment>[\s\S]*<\/Fragment>/.exec(fragmentDocument.replace(/<!--[\s\S]*?-->/g, ''))?.[0];
  const feature = fragment && /<Feature Id="([A-Za-z_][A-Za-z0-9_.]*)"/.exec(fragment)?.[1];
  if (!fragment || !feature) throw new Error(`${POLICY_FRAGMENT} has no <Fragment> with a <Feature>`);
  const close = project.lastIndexOf('</Product>');
  if (close < 0 || project.indexOf('</Product>') !== close || !/<\/Product>\s*<\/Wix>\s*$/.test(project)) {
    throw new Error("electron-builder's MSI project does not end in </Product></Wix> (its template changed): the PBX property cannot be added");
  }
  if (project.includes(`Id="${feature}"`)) throw new Error(`the MSI project already has ${feature}`);
  return `${project.slice(0, close)}  <FeatureRef Id="${feature}"/>\n  </Product>\n  ${fragment}\n${project.slice(close + '</Product>'.length).trimStart()}`;
}

/** The hook: electron-builder passes the path of project.wxs. */
export async function msiProjectCreated(projectFile) {
  const [project, fragment] = await Promise.all([readFile(projectFile, 'utf8'), readFile(POLICY_FRAGMENT, 'utf8')]);
  await writeFile(projectFile, addPolicyFragment(project, fragment));
  await copyFile(POLICY_SCRIPT, join(dirname(projectFile), POLICY_SCRIPT_NAME));
}

export default msiProjectCreated;
