import { readFileSync } from 'node:fs';

// package.json sits one level above src/ (tests) or two above dist/src/ (built).
function readVersion(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'crm-bulk-emulator' && pkg.version) return pkg.version;
    } catch {
      // not this level
    }
  }
  return '0.0.0';
}

export const VERSION = readVersion();
