import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuthUser, DomainProblem, ValidationProblem } from '@casebridge/common';
import { inTransaction, isUniqueViolation } from '../database/transactions';
import type { Caseworker } from './caseworker.entity';
import { CaseworkersRepository } from './caseworkers.repository';
import type { Consulate } from './consulate.entity';
import { ConsulatesRepository, ConsulateFilter } from './consulates.repository';
import { directoryErrors, DirectoryErrorCode } from './directory.errors';
import { CreateCaseworkerDto, UpdateCaseworkerDto } from './dto/caseworker.dto';
import { CreateConsulateDto, ListConsulatesQuery, UpdateConsulateDto } from './dto/consulate.dto';
import {
  CaseworkerResponse,
  ConsulateResponse,
  toCaseworkerResponse,
  toConsulateResponse,
} from './dto/directory.response';
import { HQ_CONSULATE_ID } from './headquarters';

function requireSomeChange(dto: object): void {
  if (Object.values(dto).every((v) => v === undefined)) {
    throw new ValidationProblem([], 'Send at least one field to change.');
  }
}

const consulateNotFound = (id: string): DomainProblem =>
  directoryErrors.problem(
    DirectoryErrorCode.ConsulateNotFound,
    `No consulate with id ${id} exists.`,
  );

const caseworkerNotFound = (id: string, consulateId: string): DomainProblem =>
  directoryErrors.problem(
    DirectoryErrorCode.CaseworkerNotFound,
    `No caseworker with id ${id} works at consulate ${consulateId}.`,
  );

const consulateExists = (id: string): DomainProblem =>
  directoryErrors.problem(
    DirectoryErrorCode.ConsulateExists,
    `A consulate with id ${id} already exists.`,
  );

const caseworkerExists = (id: string): DomainProblem =>
  directoryErrors.problem(
    DirectoryErrorCode.CaseworkerExists,
    `A caseworker with id ${id} already exists.`,
  );

const STAFF_SUBJECT_KEY = 'caseworker_staff_subject_key';

const staffSubjectTaken = (): DomainProblem =>
  directoryErrors.problem(
    DirectoryErrorCode.StaffSubjectTaken,
    'Another caseworker is already linked to this staff identity; unlink it there first.',
  );

/**
 * The directory of consular offices and their caseworkers (administrators maintain it), and the
 * directory's rules other features rely on: a consulate or caseworker named in a request exists
 * (else consulate_not_found / caseworker_not_found, raised here and nowhere else).
 */
@Injectable()
export class DirectoryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly consulates: ConsulatesRepository,
    private readonly caseworkers: CaseworkersRepository,
  ) {}

  /** The consulate with this id, else consulate_not_found. */
  async requireConsulate(
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Consulate> {
    const found = await this.consulates.findById(manager, id);
    if (!found) throw consulateNotFound(id);
    return found;
  }

  /** Nothing if a consulate with this id exists, else consulate_not_found. */
  async assertConsulateExists(
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    if (!(await this.consulates.exists(manager, id))) throw consulateNotFound(id);
  }

  /** The caseworker `id` of consulate `consulateId` among rows already read, else caseworker_not_found. */
  requireCaseworkerAt(
    caseworkers: readonly Caseworker[],
    id: string,
    consulateId: string,
  ): Caseworker {
    const found = caseworkers.find((c) => c.id === id && c.consulateId === consulateId);
    if (!found) throw caseworkerNotFound(id, consulateId);
    return found;
  }

  async listConsulates(query: ListConsulatesQuery): Promise<ConsulateResponse[]> {
    const filter: ConsulateFilter = {};
    if (query.hostCountry !== undefined) filter.hostCountry = query.hostCountry;
    if (query.active !== undefined) filter.active = query.active;
    const found = await this.consulates.list(this.dataSource.manager, filter);
    return found.map(toConsulateResponse);
  }

  async getConsulate(id: string): Promise<ConsulateResponse> {
    return toConsulateResponse(await this.requireConsulate(id));
  }

  async createConsulate(dto: CreateConsulateDto): Promise<ConsulateResponse> {
    try {
      return await inTransaction(this.dataSource, async (manager) => {
        if (await this.consulates.exists(manager, dto.id)) throw consulateExists(dto.id);
        const isDefault = dto.isDefaultForCountry ?? false;
        if (isDefault) await this.consulates.clearCountryDefault(manager, dto.hostCountry);
        const created = await this.consulates.insert(
          manager,
          {
            id: dto.id,
            name: dto.name,
            hostCountry: dto.hostCountry,
            cities: dto.cities,
            languages: dto.languages,
            isDefaultForCountry: isDefault,
            active: dto.active ?? true,
          },
          new Date(),
        );
        return toConsulateResponse(created);
      });
    } catch (error) {
      if (isUniqueViolation(error, 'consulate_pkey')) throw consulateExists(dto.id);
      throw error;
    }
  }

  async updateConsulate(id: string, dto: UpdateConsulateDto): Promise<ConsulateResponse> {
    requireSomeChange(dto);
    return inTransaction(this.dataSource, async (manager) => {
      const found = await this.consulates.lockById(manager, id);
      if (!found) throw consulateNotFound(id);
      if (id === HQ_CONSULATE_ID && dto.active === false) {
        throw directoryErrors.problem(
          DirectoryErrorCode.HeadquartersRequired,
          'The HQ desk receives cases no office covers; it cannot be deactivated.',
        );
      }
      if (dto.isDefaultForCountry === true && !found.isDefaultForCountry)
        await this.consulates.clearCountryDefault(manager, found.hostCountry);
      if (dto.name !== undefined) found.name = dto.name;
      if (dto.cities !== undefined) found.cities = dto.cities;
      if (dto.languages !== undefined) found.languages = dto.languages;
      if (dto.isDefaultForCountry !== undefined)
        found.isDefaultForCountry = dto.isDefaultForCountry;
      if (dto.active !== undefined) found.active = dto.active;
      found.updatedAt = new Date();
      await this.consulates.save(manager, found);
      return toConsulateResponse(found);
    });
  }

  async listCaseworkers(user: AuthUser, consulateId: string): Promise<CaseworkerResponse[]> {
    this.assertMayReadStaff(user, consulateId);
    const manager = this.dataSource.manager;
    await this.assertConsulateExists(consulateId, manager);
    const found = await this.caseworkers.listAt(manager, consulateId);
    return found.map(toCaseworkerResponse);
  }

  async createCaseworker(
    consulateId: string,
    dto: CreateCaseworkerDto,
  ): Promise<CaseworkerResponse> {
    try {
      return await inTransaction(this.dataSource, async (manager) => {
        await this.assertConsulateExists(consulateId, manager);
        if (await this.caseworkers.exists(manager, dto.id)) throw caseworkerExists(dto.id);
        const created = await this.caseworkers.insert(
          manager,
          {
            id: dto.id,
            consulateId,
            name: dto.name,
            languages: dto.languages,
            active: dto.active ?? true,
            maxOpenCases: dto.maxOpenCases,
            staffSubject: dto.staffSubject ?? null,
          },
          new Date(),
        );
        return toCaseworkerResponse(created);
      });
    } catch (error) {
      if (isUniqueViolation(error, 'caseworker_pkey')) throw caseworkerExists(dto.id);
      if (isUniqueViolation(error, STAFF_SUBJECT_KEY)) throw staffSubjectTaken();
      throw error;
    }
  }

  async updateCaseworker(
    consulateId: string,
    caseworkerId: string,
    dto: UpdateCaseworkerDto,
  ): Promise<CaseworkerResponse> {
    requireSomeChange(dto);
    try {
      return await this.changeCaseworker(consulateId, caseworkerId, dto);
    } catch (error) {
      if (isUniqueViolation(error, STAFF_SUBJECT_KEY)) throw staffSubjectTaken();
      throw error;
    }
  }

  private changeCaseworker(
    consulateId: string,
    caseworkerId: string,
    dto: UpdateCaseworkerDto,
  ): Promise<CaseworkerResponse> {
    return inTransaction(this.dataSource, async (manager) => {
      await this.assertConsulateExists(consulateId, manager);
      const found = await this.caseworkers.lockAt(manager, caseworkerId, consulateId);
      if (!found) throw caseworkerNotFound(caseworkerId, consulateId);
      if (dto.name !== undefined) found.name = dto.name;
      if (dto.languages !== undefined) found.languages = dto.languages;
      if (dto.maxOpenCases !== undefined) found.maxOpenCases = dto.maxOpenCases;
      if (dto.active !== undefined) found.active = dto.active;
      if (dto.staffSubject !== undefined) found.staffSubject = dto.staffSubject;
      found.updatedAt = new Date();
      await this.caseworkers.save(manager, found);
      return toCaseworkerResponse(found);
    });
  }

  /** Admins read any office's staff; a consul only their own. */
  private assertMayReadStaff(user: AuthUser, consulateId: string): void {
    if (user.roles.includes('admin')) return;
    if (user.roles.includes('consul') && user.consulateId === consulateId) return;
    throw directoryErrors.problem(
      DirectoryErrorCode.OutsideConsulate,
      "You may only see your own consulate's caseworkers.",
    );
  }
}
