// `npm run token -- --role admin` prints a development token signed with the secret the
// server keeps in its data folder (or JWT_SECRET when set).
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config';
import { signToken } from './viewer';

function main(): void {
  const { values } = parseArgs({
    options: {
      role: { type: 'string', default: 'customer' },
      sub: { type: 'string' },
      email: { type: 'string' },
      expires: { type: 'string', default: '12h' },
    },
  });
  const role = values.role === 'admin' ? 'admin' : values.role === 'customer' ? 'customer' : undefined;
  if (!role) throw new ConfigError('--role must be admin or customer');
  const config = loadConfig();
  if (config.jwt.algorithm !== 'HS256') {
    throw new ConfigError('JWT_PUBLIC_KEY is set: tokens come from your identity provider, not from this script.');
  }
  const sub = values.sub ?? (role === 'admin' ? 'staff-dev' : 'customer-dev');
  const email = values.email ?? `${sub}@example.com`;
  const token = signToken(config.jwt.secret, { sub, email, role }, {
    expiresIn: values.expires as `${number}h`,
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
