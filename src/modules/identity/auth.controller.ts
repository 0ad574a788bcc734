import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { LoginThrottlerGuard } from '../../shared/auth/login-throttler.guard';
import type { AuthenticatedUser } from '../../shared/auth/access';
import { AnyUser, Public } from '../../shared/auth/access.decorators';
import { CurrentUser } from '../../shared/auth/current-user.decorator';
import {
  LoginRequest,
  LoginResponse,
  MeResponse,
  RegisterRequest,
  UserResponse,
} from './dto/auth.dto';
import { IdentityService } from './identity.service';
import { toUserResponse } from './identity.mappers';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(private readonly identity: IdentityService) {}

  @Public()
  @Post('auth/register')
  @ApiCreatedResponse({ type: UserResponse })
  async register(@Body() request: RegisterRequest): Promise<UserResponse> {
    return toUserResponse(await this.identity.register(request));
  }

  @Public()
  @UseGuards(LoginThrottlerGuard)
  @Post('auth/login')
  @HttpCode(200)
  @ApiOkResponse({ type: LoginResponse })
  @ApiTooManyRequestsResponse({ description: 'too many attempts for this account or address' })
  login(@Body() request: LoginRequest): Promise<LoginResponse> {
    return this.identity.login(request.email, request.password);
  }

  @AnyUser()
  @ApiBearerAuth()
  @Get('me')
  @ApiOkResponse({ type: MeResponse })
  me(@CurrentUser() user: AuthenticatedUser): Promise<MeResponse> {
    return this.identity.me(user.id);
  }
}
