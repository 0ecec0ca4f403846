import { odata, type TableClient } from '@azure/data-tables';
import type { Tables } from './tables';
import { safeKey } from './entities';

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

/** grants: PartitionKey = the holder's object id, RowKey = theme id. */
export class TableGrantStore implements GrantStore {
  private readonly table: TableClient;
  constructor(tables: Tables) { this.table = tables.client('grants'); }

  async listFor(subjectId: string): Promise<Grant[]> {
    const out: Grant[] = [];
    const filter = odata`PartitionKey eq ${subjectId}`;
    for await (const e of this.table.listEntities<Omit<Grant, 'subjectId'>>({ queryOptions: { filter } })) {
      out.push({ subjectId, themeId: e.themeId, themeName: e.themeName, validFrom: e.validFrom, validUntil: e.validUntil,
        grantedBy: e.grantedBy, orderId: e.orderId, grantedAt: e.grantedAt });
    }
    return out;
  }

  async put(grant: Grant): Promise<void> {
    const { subjectId, ...rest } = grant;
    await this.table.upsertEntity({ partitionKey: subjectId, rowKey: safeKey(grant.themeId), ...rest }, 'Replace');
  }
}
