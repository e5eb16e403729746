import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuthUser, DomainProblem, ValidationProblem } from '@casebridge/common';
import { HQ_CONSULATE_ID } from '../assignments/routing';
import { inTransaction, isUniqueViolation } from '../database/transactions';
import { Caseworker } from './caseworker.entity';
import { Consulate } from './consulate.entity';
import { CreateCaseworkerDto, UpdateCaseworkerDto } from './dto/caseworker.dto';
import { CreateConsulateDto, ListConsulatesQuery, UpdateConsulateDto } from './dto/consulate.dto';
import {
  CaseworkerResponse,
  ConsulateResponse,
  toCaseworkerResponse,
  toConsulateResponse,
} from './dto/directory.response';

export class ConsulateNotFound extends DomainProblem {
  constructor(id: string) {
    super(404, 'consulate_not_found', 'Not found', `No consulate with id ${id} exists.`);
  }
}

export class CaseworkerNotFound extends DomainProblem {
  constructor(id: string, consulateId: string) {
    super(
      404,
      'caseworker_not_found',
      'Not found',
      `No caseworker with id ${id} works at consulate ${consulateId}.`,
    );
  }
}

function requireSomeChange(dto: object): void {
  if (Object.values(dto).every((v) => v === undefined)) {
    throw new ValidationProblem([], 'Send at least one field to change.');
  }
}

/** The directory of consular offices and their caseworkers (administrators maintain it). */
@Injectable()
export class DirectoryService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async listConsulates(query: ListConsulatesQuery): Promise<ConsulateResponse[]> {
    const where: Partial<Pick<Consulate, 'hostCountry' | 'active'>> = {};
    if (query.hostCountry !== undefined) where.hostCountry = query.hostCountry;
    if (query.active !== undefined) where.active = query.active;
    const found = await this.dataSource.manager.find(Consulate, {
      where,
      order: { hostCountry: 'ASC', id: 'ASC' },
    });
    return found.map(toConsulateResponse);
  }

  async getConsulate(id: string): Promise<ConsulateResponse> {
    const found = await this.dataSource.manager.findOneBy(Consulate, { id });
    if (!found) throw new ConsulateNotFound(id);
    return toConsulateResponse(found);
  }

  async createConsulate(dto: CreateConsulateDto): Promise<ConsulateResponse> {
    try {
      return await inTransaction(this.dataSource, async (manager) => {
        if (await manager.existsBy(Consulate, { id: dto.id })) throw this.consulateExists(dto.id);
        const isDefault = dto.isDefaultForCountry ?? false;
        if (isDefault) await this.clearCountryDefault(manager, dto.hostCountry);
        const now = new Date();
        const entity = manager.create(Consulate, {
          id: dto.id,
          name: dto.name,
          hostCountry: dto.hostCountry,
          cities: dto.cities,
          languages: dto.languages,
          isDefaultForCountry: isDefault,
          active: dto.active ?? true,
          createdAt: now,
          updatedAt: now,
        });
        await manager.insert(Consulate, entity);
        return toConsulateResponse(entity);
      });
    } catch (error) {
      if (isUniqueViolation(error, 'consulate_pkey')) throw this.consulateExists(dto.id);
      throw error;
    }
  }

  async updateConsulate(id: string, dto: UpdateConsulateDto): Promise<ConsulateResponse> {
    requireSomeChange(dto);
    return inTransaction(this.dataSource, async (manager) => {
      const found = await manager.findOne(Consulate, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!found) throw new ConsulateNotFound(id);
      if (id === HQ_CONSULATE_ID && dto.active === false) {
        throw new DomainProblem(
          409,
          'headquarters_required',
          'Conflict',
          'The HQ desk receives cases no office covers; it cannot be deactivated.',
        );
      }
      if (dto.isDefaultForCountry === true && !found.isDefaultForCountry)
        await this.clearCountryDefault(manager, found.hostCountry);
      if (dto.name !== undefined) found.name = dto.name;
      if (dto.cities !== undefined) found.cities = dto.cities;
      if (dto.languages !== undefined) found.languages = dto.languages;
      if (dto.isDefaultForCountry !== undefined)
        found.isDefaultForCountry = dto.isDefaultForCountry;
      if (dto.active !== undefined) found.active = dto.active;
      found.updatedAt = new Date();
      await manager.save(found);
      return toConsulateResponse(found);
    });
  }

  async listCaseworkers(user: AuthUser, consulateId: string): Promise<CaseworkerResponse[]> {
    this.assertMayReadStaff(user, consulateId);
    const manager = this.dataSource.manager;
    if (!(await manager.existsBy(Consulate, { id: consulateId })))
      throw new ConsulateNotFound(consulateId);
    const found = await manager.find(Caseworker, { where: { consulateId }, order: { id: 'ASC' } });
    return found.map(toCaseworkerResponse);
  }

  async createCaseworker(
    consulateId: string,
    dto: CreateCaseworkerDto,
  ): Promise<CaseworkerResponse> {
    try {
      return await inTransaction(this.dataSource, async (manager) => {
        if (!(await manager.existsBy(Consulate, { id: consulateId })))
          throw new ConsulateNotFound(consulateId);
        if (await manager.existsBy(Caseworker, { id: dto.id })) throw this.caseworkerExists(dto.id);
        const now = new Date();
        const entity = manager.create(Caseworker, {
          id: dto.id,
          consulateId,
          name: dto.name,
          languages: dto.languages,
          active: dto.active ?? true,
          maxOpenCases: dto.maxOpenCases,
          openCases: 0,
          createdAt: now,
          updatedAt: now,
        });
        await manager.insert(Caseworker, entity);
        return toCaseworkerResponse(entity);
      });
    } catch (error) {
      if (isUniqueViolation(error, 'caseworker_pkey')) throw this.caseworkerExists(dto.id);
      throw error;
    }
  }

  async updateCaseworker(
    consulateId: string,
    caseworkerId: string,
    dto: UpdateCaseworkerDto,
  ): Promise<CaseworkerResponse> {
    requireSomeChange(dto);
    return inTransaction(this.dataSource, async (manager) => {
      if (!(await manager.existsBy(Consulate, { id: consulateId })))
        throw new ConsulateNotFound(consulateId);
      // The same row lock routing takes: a change never interleaves with a routing decision.
      const found = await manager.findOne(Caseworker, {
        where: { id: caseworkerId, consulateId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!found) throw new CaseworkerNotFound(caseworkerId, consulateId);
      if (dto.name !== undefined) found.name = dto.name;
      if (dto.languages !== undefined) found.languages = dto.languages;
      if (dto.maxOpenCases !== undefined) found.maxOpenCases = dto.maxOpenCases;
      if (dto.active !== undefined) found.active = dto.active;
      found.updatedAt = new Date();
      await manager.save(found);
      return toCaseworkerResponse(found);
    });
  }

  /** Admins read any office's staff; a consul only their own. */
  private assertMayReadStaff(user: AuthUser, consulateId: string): void {
    if (user.roles.includes('admin')) return;
    if (user.roles.includes('consul') && user.consulateId === consulateId) return;
    throw new DomainProblem(
      403,
      'outside_consulate',
      'Forbidden',
      "You may only see your own consulate's caseworkers.",
    );
  }

  /** Only one default office per country: making one the default demotes the previous one. */
  private async clearCountryDefault(manager: EntityManager, hostCountry: string): Promise<void> {
    // Serialises default changes per country, so two at once cannot both keep their default.
    await manager.query("SELECT pg_advisory_xact_lock(hashtext('consulate-default:' || $1))", [
      hostCountry,
    ]);
    await manager.query(
      'UPDATE consulate SET is_default_for_country = false, updated_at = now() WHERE host_country = $1 AND is_default_for_country',
      [hostCountry],
    );
  }

  private consulateExists(id: string): DomainProblem {
    return new DomainProblem(
      409,
      'consulate_exists',
      'Conflict',
      `A consulate with id ${id} already exists.`,
    );
  }

  private caseworkerExists(id: string): DomainProblem {
    return new DomainProblem(
      409,
      'caseworker_exists',
      'Conflict',
      `A caseworker with id ${id} already exists.`,
    );
  }
}
