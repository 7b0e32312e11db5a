import { GraphQLError } from 'graphql';
import type { AuthChecker } from 'type-graphql';
import type { Context } from '../context';
import { forbidden, isSignedIn, unauthenticated } from './viewer';

export const STAFF = 'STAFF';

/**
 * `@Authorized()` needs a signed-in viewer; `@Authorized(STAFF)` needs a staff token.
 * On a query or mutation the refusal is the whole answer (HTTP 401/403). On a field of an
 * object (`Variant.stock`) it is that field's error alone: the field is null, the rest of the
 * data stands and the status stays 200, so a page that asks for one staff-only field by
 * mistake still shows what the viewer may see.
 */
export const authChecker: AuthChecker<Context> = ({ context, info }, roles) => {
  const { viewer } = context;
  const staffOnly = roles.includes(STAFF);
  const signedIn = isSignedIn(viewer) || viewer.isStaff;
  if (signedIn && (!staffOnly || viewer.isStaff)) return true;
  const atRoot = info.parentType === info.schema.getQueryType() || info.parentType === info.schema.getMutationType();
  if (atRoot) throw signedIn ? forbidden('Only store staff can do this.') : unauthenticated('Sign in to do this.');
  const field = `${info.parentType.name}.${info.fieldName}`;
  const message = staffOnly ? `Only store staff can see ${field}.` : `Sign in to see ${field}.`;
  throw withoutHttpStatus(signedIn ? forbidden(message) : unauthenticated(message));
};

function withoutHttpStatus(error: GraphQLError): GraphQLError {
  const { http: _status, ...extensions } = error.extensions;
  return new GraphQLError(error.message, { extensions });
}
