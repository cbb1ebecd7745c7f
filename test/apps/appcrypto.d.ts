/** Types of appcrypto.js (plain browser JavaScript, also imported by the unit tests). */
export function sha256Hex(input: string | Uint8Array): string;
export function rc4(key: Uint8Array, data: Uint8Array): Uint8Array;
export function encryptHex(seed: string, key: string, data: string): string;
export function decryptHex(seed: string, key: string, cipherHex: string): string;
export function hashHex(seed: string, key: string, data: string): string;
