/** Entry point of `npm run doctor`: see main/cli/doctor.ts. */
import { doctor } from '../doctor.js';

process.exitCode = await doctor(process.argv.slice(2), (record) => process.stdout.write(JSON.stringify(record) + '\n'));
