/** Types of project-created.mjs (electron-builder loads the JavaScript; the tests import it from TypeScript). */
export declare const POLICY_FRAGMENT: string;
export declare const POLICY_SCRIPT: string;
export declare const POLICY_SCRIPT_NAME: string;
export declare function addPolicyFragment(project: string, fragmentDocument: string): string;
export declare function msiProjectCreated(projectFile: string): Promise<void>;
export default msiProjectCreated;
