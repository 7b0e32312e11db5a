// `npm run -s token -- --role admin` prints a development token signed with the secret the
// server keeps in its data folder (or JWT_SECRET when set), and nothing else on stdout, so
// `TOKEN=$(npm run -s token -- --role admin)` captures it (-s keeps npm's own lines out).
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config';
import { signToken } from './viewer';

const USAGE = `Usage: npm run -s token -- [--role admin|customer] [--sub ID] [--email ADDRESS] [--expires 12h]

Prints a signed development token (and only the token) for the Authorization header:
  TOKEN=$(npm run -s token -- --role admin)
  curl -H "Authorization: Bearer $TOKEN" ...

  --role     admin (store staff) or customer (default)
  --sub      the customer id (default: staff-dev or customer-dev)
  --email    the email claim (default: <sub>@example.com)
  --expires  lifetime, e.g. 30m, 12h, 7d (default: 12h)
  --help     this text

Signs with JWT_SECRET, or the development secret the server keeps in DATA_DIR (.data).
`;

function main(): void {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        role: { type: 'string', default: 'customer' },
        sub: { type: 'string' },
        email: { type: 'string' },
        expires: { type: 'string', default: '12h' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new ConfigError(`${error instanceof Error ? error.message : String(error)} (--help lists the options)`);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (!/^\d+[smhd]$/.test(values.expires)) throw new ConfigError('--expires must be a number and a unit: 30m, 12h, 7d');
  const role = values.role === 'admin' ? 'admin' : values.role === 'customer' ? 'customer' : undefined;
  if (!role) throw new ConfigError('--role must be admin or customer');
  const config = loadConfig();
  if (config.jwt.algorithm !== 'HS256') {
    throw new ConfigError('JWT_PUBLIC_KEY is set: tokens come from your identity provider, not from this script.');
  }
  const sub = values.sub ?? (role === 'admin' ? 'staff-dev' : 'customer-dev');
  const email = values.email ?? `${sub}@example.com`;
  const token = signToken(config.jwt.secret, { sub, email, role }, {
    expiresIn: values.expires as `${number}${'s' | 'm' | 'h' | 'd'}`,
    issuer: config.jwt.issuer,
    audience: config.jwt.audience,
  });
  process.stdout.write(token + '\n');
}

try {
  main();
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
