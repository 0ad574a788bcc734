import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { DecimalField } from '../../../shared/validation/decimal.validators';
import {
  APPROVAL_POLICIES,
  type ApprovalPolicy,
  FLOOR_POLICIES,
  type FloorPolicy,
  ORGANIZATION_KINDS,
  ORGANIZATION_ROLES,
  type OrganizationKind,
  type OrganizationRole,
} from '../domain/roles';

export class CreateOrganizationRequest {
  @ApiProperty({ enum: ORGANIZATION_KINDS })
  @IsIn(ORGANIZATION_KINDS)
  kind!: OrganizationKind;

  @ApiProperty({ example: 'Asociación de Productores de Lasana' })
  @IsString()
  @MinLength(2)
  @MaxLength(160)
  name!: string;

  @ApiPropertyOptional({ example: '65.123.456-7', description: 'Chilean RUT, checked' })
  @IsOptional()
  @IsString()
  @MaxLength(16)
  rut?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  communityId?: string;
}

export class OrganizationResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ORGANIZATION_KINDS }) kind!: OrganizationKind;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) rut!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) communityId!: string | null;
  @ApiProperty({ enum: APPROVAL_POLICIES }) approvalPolicy!: ApprovalPolicy;
  @ApiProperty({ example: '0.5' }) voteThreshold!: string;
  @ApiProperty() voteHours!: number;
  @ApiProperty({ enum: FLOOR_POLICIES }) floorPolicy!: FloorPolicy;
  @ApiProperty({ example: '0.03' }) commissionRate!: string;
  @ApiProperty() createdAt!: string;
}

export class UpdatePolicyRequest {
  @ApiPropertyOptional({ enum: APPROVAL_POLICIES })
  @IsOptional()
  @IsIn(APPROVAL_POLICIES)
  approvalPolicy?: ApprovalPolicy;

  @DecimalField({
    optional: true,
    greaterThan: '0',
    max: '1',
    maxScale: 4,
    description: 'share of contributed quantity that must approve under member_vote',
    example: '0.5',
  })
  voteThreshold?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 720 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(720)
  voteHours?: number;

  @ApiPropertyOptional({ enum: FLOOR_POLICIES })
  @IsOptional()
  @IsIn(FLOOR_POLICIES)
  floorPolicy?: FloorPolicy;

  @DecimalField({
    optional: true,
    min: '0',
    max: '0.999999',
    maxScale: 6,
    description: 'default commission as a fraction of the gross',
    example: '0.03',
  })
  commissionRate?: string;
}

export class AddMemberRequest {
  @ApiProperty()
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ enum: ORGANIZATION_ROLES })
  @IsIn(ORGANIZATION_ROLES)
  role!: OrganizationRole;
}

export class MemberResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) organizationId!: string;
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty() email!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ enum: ORGANIZATION_ROLES }) role!: OrganizationRole;
  @ApiProperty() createdAt!: string;
}

export class CreateProducerRequest {
  @ApiProperty({ example: 'Familia Anza' })
  @IsString()
  @MinLength(1)
  @MaxLength(160)
  name!: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  communityId?: string;

  @ApiPropertyOptional({ example: '12.345.678-5' })
  @IsOptional()
  @IsString()
  @MaxLength(16)
  rut?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'a member of this association who is this producer',
  })
  @IsOptional()
  @IsUUID()
  userId?: string;
}

export class ProducerResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) organizationId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) communityId!: string | null;
  @ApiProperty({ nullable: true, type: String }) rut!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) userId!: string | null;
  @ApiProperty() createdAt!: string;
}
