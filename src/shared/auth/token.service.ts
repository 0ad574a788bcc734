import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';

/** The algorithm is pinned on both sides: a token signed otherwise (or `none`) is refused. */
export const JWT_ALGORITHM = 'HS256';

interface AccessTokenClaims {
  sub: string;
}

/** Past this many, the verified tokens remembered are forgotten. */
const REMEMBERED_TOKENS = 10_000;

@Injectable()
export class TokenService {
  /**
   * Tokens whose signature was checked, with what it vouched for: a client sends the same
   * token with every request, and the same string always verifies the same way until it
   * expires. Only the user id and the expiry are kept; what the user may do is read anew.
   */
  private readonly verified = new Map<string, { userId: string; expiresAtMs: number }>();

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
    const known = this.verified.get(token);
    if (known) {
      // The same rule as the JWT library's: expired from the second `exp` names.
      if (Date.now() < known.expiresAtMs) return known.userId;
      this.verified.delete(token);
      return null;
    }
    try {
      const claims = await this.jwt.verifyAsync<AccessTokenClaims & { exp?: unknown }>(token, {
        algorithms: [JWT_ALGORITHM],
      });
      if (typeof claims.sub !== 'string') return null;
      if (typeof claims.exp === 'number') {
        if (this.verified.size >= REMEMBERED_TOKENS) this.verified.clear();
        this.verified.set(token, { userId: claims.sub, expiresAtMs: claims.exp * 1000 });
      }
      return claims.sub;
    } catch {
      return null;
    }
  }
}
