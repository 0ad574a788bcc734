import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';

export class RegisterRequest {
  @ApiProperty({ example: 'tesorera@lasana.cl' })
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ minLength: 10, maxLength: 200 })
  @IsString()
  @MinLength(10)
  @MaxLength(200)
  password!: string;

  @ApiProperty({ example: 'Rosa Mamani' })
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  displayName!: string;
}

export class LoginRequest {
  @ApiProperty()
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password!: string;
}

export class LoginResponse {
  @ApiProperty()
  accessToken!: string;

  @ApiProperty({ description: 'seconds until the token expires' })
  expiresIn!: number;
}

export class UserResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  email!: string;

  @ApiProperty()
  displayName!: string;

  @ApiProperty()
  isPlatformAdmin!: boolean;

  @ApiProperty()
  createdAt!: string;
}

export class MembershipSummary {
  @ApiProperty({ format: 'uuid' })
  organizationId!: string;

  @ApiProperty()
  organizationName!: string;

  @ApiProperty({ enum: ['association', 'buyer'] })
  kind!: string;

  @ApiProperty({ enum: ['manager', 'treasurer', 'member', 'buyer_agent'] })
  role!: string;
}

export class MeResponse extends UserResponse {
  @ApiProperty({ type: [MembershipSummary] })
  memberships!: MembershipSummary[];
}
