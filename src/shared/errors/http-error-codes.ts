import { CommonErrors } from './domain-error';

/** Codes for Nest's own HTTP exceptions (unknown routes, throttling, body parsing). */
export function codeForHttpStatus(status: number): string {
  switch (status) {
    case 400:
      return CommonErrors.VALIDATION_FAILED;
    case 401:
      return CommonErrors.UNAUTHENTICATED;
    case 403:
      return CommonErrors.FORBIDDEN;
    case 404:
      return CommonErrors.NOT_FOUND;
    case 413:
      return CommonErrors.PAYLOAD_TOO_LARGE;
    case 415:
      return CommonErrors.UNSUPPORTED_MEDIA_TYPE;
    case 429:
      return CommonErrors.RATE_LIMITED;
    case 503:
      return CommonErrors.SERVICE_UNAVAILABLE;
    default:
      return status >= 500 ? CommonErrors.INTERNAL_ERROR : `HTTP_${status}`;
  }
}
