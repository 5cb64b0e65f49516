import { readFileSync } from 'node:fs';
import { parseDefinition, lintDefinition } from './src/adapters/bpmn/index.js';
for (const f of process.argv.slice(2)) {
  try {
    const p = await parseDefinition(readFileSync(f, 'utf8'), 'cita-report', f.split('/').pop()!);
    console.log(f, p.warnings.length);
    const l = await lintDefinition(p.definitions); console.log("LINT", l.errors.map(x => x.path + ":" + x.reason), l.warnings.map(x => x.path + ":" + x.reason));
  } catch (e: any) { console.log(f, e.code, e.message, e.details); }
}
