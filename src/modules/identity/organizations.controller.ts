import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../../shared/auth/access';
import { AnyUser, OrganizationRoles } from '../../shared/auth/access.decorators';
import { CurrentUser } from '../../shared/auth/current-user.decorator';
import { mapPage, type Page, PageQuery } from '../../shared/pagination/pagination';
import {
  AddMemberRequest,
  CreateOrganizationRequest,
  CreateProducerRequest,
  MemberResponse,
  OrganizationResponse,
  ProducerResponse,
  UpdatePolicyRequest,
} from './dto/organization.dto';
import { toOrganizationResponse, toProducerResponse } from './identity.mappers';
import { OrganizationsService } from './organizations.service';

@ApiTags('organizations')
@ApiBearerAuth()
@Controller('organizations')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @AnyUser()
  @Post()
  @ApiCreatedResponse({ type: OrganizationResponse })
  async create(
    @CurrentUser() user: AuthenticatedUser,
    @Body() request: CreateOrganizationRequest,
  ): Promise<OrganizationResponse> {
    return toOrganizationResponse(await this.organizations.create(user.id, request));
  }

  @OrganizationRoles('any')
  @Get(':id')
  @ApiOkResponse({ type: OrganizationResponse })
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<OrganizationResponse> {
    return toOrganizationResponse(await this.organizations.get(id));
  }

  @OrganizationRoles(['manager'])
  @Patch(':id/policy')
  @ApiOkResponse({ type: OrganizationResponse })
  async updatePolicy(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() request: UpdatePolicyRequest,
  ): Promise<OrganizationResponse> {
    return toOrganizationResponse(await this.organizations.updatePolicy(id, request));
  }

  /** In a buyer organisation there is no manager: its buyer agents bring in their colleagues. */
  @OrganizationRoles(['manager', 'buyer_agent'])
  @Post(':id/members')
  @ApiCreatedResponse({ type: MemberResponse })
  addMember(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() request: AddMemberRequest,
  ): Promise<MemberResponse> {
    return this.organizations.addMember(id, request);
  }

  @OrganizationRoles('any')
  @Get(':id/members')
  listMembers(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() page: PageQuery,
  ): Promise<Page<MemberResponse>> {
    return this.organizations.listMembers(id, page);
  }

  @OrganizationRoles(['manager'])
  @Post(':id/producers')
  @ApiCreatedResponse({ type: ProducerResponse })
  async registerProducer(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() request: CreateProducerRequest,
  ): Promise<ProducerResponse> {
    return toProducerResponse(await this.organizations.registerProducer(id, request));
  }

  @OrganizationRoles('any')
  @Get(':id/producers')
  async listProducers(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() page: PageQuery,
  ): Promise<Page<ProducerResponse>> {
    return mapPage(await this.organizations.listProducers(id, page), toProducerResponse);
  }
}
