import { JwtService } from '@nestjs/jwt';
import type { AppConfig } from '../../config/app-config';
import { TokenService } from './token.service';

const SECRET = 'a secret of at least thirty-two characters';

function tokenService(expiresInSeconds: number, secret = SECRET) {
  const jwt = new JwtService({ secret });
  const verifyAsync = jest.spyOn(jwt, 'verifyAsync');
  const service = new TokenService(jwt, { jwtExpiresInSeconds: expiresInSeconds } as AppConfig);
  return { service, verifyAsync };
}

describe('TokenService', () => {
  afterEach(() => jest.restoreAllMocks());

  it('checks a token once and knows it again until it expires, to the second', async () => {
    const now = jest.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-11-25T10:00:00.250Z'));
    const { service, verifyAsync } = tokenService(60);
    const { accessToken } = await service.issue('user-1');

    expect(await service.verify(accessToken)).toBe('user-1');
    now.mockReturnValue(Date.parse('2026-11-25T10:00:59.999Z'));
    expect(await service.verify(accessToken)).toBe('user-1');
    expect(verifyAsync).toHaveBeenCalledTimes(1);

    // `exp` is 10:01:00: from that second on the token is refused, remembered or not.
    now.mockReturnValue(Date.parse('2026-11-25T10:01:00.000Z'));
    expect(await service.verify(accessToken)).toBeNull();
    expect(await tokenService(60).service.verify(accessToken)).toBeNull();
  });

  it('remembers nothing of a token it refuses', async () => {
    const { service, verifyAsync } = tokenService(60);
    const forged = await tokenService(60, 'another secret of thirty-two characters').service.issue(
      'user-1',
    );
    const { accessToken } = await service.issue('user-1');
    const tampered = `${accessToken.slice(0, -2)}xx`;

    for (const token of [forged.accessToken, tampered, 'not.a.token']) {
      expect(await service.verify(token)).toBeNull();
      expect(await service.verify(token)).toBeNull();
    }
    expect(verifyAsync).toHaveBeenCalledTimes(6);
  });
});
