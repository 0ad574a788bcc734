import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';

/** The algorithm is pinned on both sides: a token signed otherwise (or `none`) is refused. */
export const JWT_ALGORITHM = 'HS256';

interface AccessTokenClaims {
  sub: string;
}

@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async issue(userId: string): Promise<{ accessToken: string; expiresIn: number }> {
    const accessToken = await this.jwt.signAsync({ sub: userId } satisfies AccessTokenClaims, {
      algorithm: JWT_ALGORITHM,
      expiresIn: this.config.jwtExpiresInSeconds,
    });
    return { accessToken, expiresIn: this.config.jwtExpiresInSeconds };
  }

  /** The user id of a valid, unexpired token; null for anything else. */
  async verify(token: string): Promise<string | null> {
    try {
      const claims = await this.jwt.verifyAsync<AccessTokenClaims>(token, {
        algorithms: [JWT_ALGORITHM],
      });
      return typeof claims.sub === 'string' ? claims.sub : null;
    } catch {
      return null;
    }
  }
}
