import { defineErrorCodes } from '../errors/domain-error';

export const IdempotencyErrors = defineErrorCodes({
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    title: {
      es: 'La clave de idempotencia ya se usó con otra solicitud',
      en: 'The idempotency key was already used with another request',
    },
  },
  IDEMPOTENCY_REQUEST_IN_PROGRESS: {
    status: 409,
    title: {
      es: 'Una solicitud con esta clave de idempotencia aún está en curso',
      en: 'A request with this idempotency key is still in progress',
    },
  },
});
