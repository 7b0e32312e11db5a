import type { AuthChecker } from 'type-graphql';
import type { Context } from '../context';
import { forbidden, isSignedIn, unauthenticated } from './viewer';

export const STAFF = 'STAFF';

/** `@Authorized()` needs a signed-in viewer; `@Authorized(STAFF)` needs a staff token. */
export const authChecker: AuthChecker<Context> = ({ context }, roles) => {
  const { viewer } = context;
  if (!isSignedIn(viewer) && !viewer.isStaff) throw unauthenticated('Sign in to do this.');
  if (roles.includes(STAFF) && !viewer.isStaff) throw forbidden('Only store staff can do this.');
  return true;
};
