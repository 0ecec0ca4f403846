import { odata, type TableClient } from '@azure/data-tables';
import type { Tables } from './tables';
import { GRANT_ROW_PREFIX, personGrantKey, prefixEnd } from './entities';

/** One entry of the register: who holds which theme, from when until when, granted by whom. */
export interface Grant {
  subjectId: string;
  themeId: string;
  themeName: string;
  validFrom: string;
  validUntil: string;
  grantedBy: string;
  orderId: string;
  grantedAt: string;
}

export interface GrantStore {
  listFor(subjectId: string): Promise<Grant[]>;
  put(grant: Grant): Promise<void>;
}

/** The register lives in the `people` table: PartitionKey = the holder's object id, RowKey = `grant|<theme id>`. */
export class TableGrantStore implements GrantStore {
  private readonly table: TableClient;
  constructor(tables: Tables) { this.table = tables.client('people'); }

  async listFor(subjectId: string): Promise<Grant[]> {
    const out: Grant[] = [];
    const filter = odata`PartitionKey eq ${subjectId} and RowKey ge ${GRANT_ROW_PREFIX} and RowKey lt ${prefixEnd(GRANT_ROW_PREFIX)}`;
    for await (const e of this.table.listEntities<Omit<Grant, 'subjectId'>>({ queryOptions: { filter } })) out.push(grantFromEntity(subjectId, e));
    return out;
  }

  async put(grant: Grant): Promise<void> {
    const { subjectId, ...rest } = grant;
    await this.table.upsertEntity({ partitionKey: subjectId, rowKey: personGrantKey(grant.themeId), ...rest }, 'Replace');
  }
}

/** A register entry from its entity in the `people` table. */
export function grantFromEntity(subjectId: string, e: Omit<Grant, 'subjectId'>): Grant {
  return { subjectId, themeId: e.themeId, themeName: e.themeName, validFrom: e.validFrom, validUntil: e.validUntil,
    grantedBy: e.grantedBy, orderId: e.orderId, grantedAt: e.grantedAt };
}
