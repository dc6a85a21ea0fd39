/** The locations where the owner uses this mailbox (R1), as the Durable Object keeps them. */
export interface Connection {
  locationId: string;
  userId: string;
  connectedAt: number;
}

interface ConnectionRow extends Record<string, SqlStorageValue> {
  location_id: string;
  user_id: string;
  connected_at: number;
}

export function listConnections(sql: SqlStorage): Connection[] {
  return sql
    .exec<ConnectionRow>("SELECT location_id, user_id, connected_at FROM connections ORDER BY location_id")
    .toArray()
    .map((row) => ({ locationId: row.location_id, userId: row.user_id, connectedAt: row.connected_at }));
}

export function findConnection(sql: SqlStorage, locationId: string): Connection | null {
  return listConnections(sql).find((c) => c.locationId === locationId) ?? null;
}

/** A reconnect in the same location keeps the first connection time: R2's start point for that location. */
export function addConnection(sql: SqlStorage, connection: Connection): Connection {
  const existing = findConnection(sql, connection.locationId);
  if (existing && existing.userId === connection.userId) return existing;
  sql.exec(
    `INSERT INTO connections (location_id, user_id, connected_at) VALUES (?, ?, ?)
     ON CONFLICT (location_id) DO UPDATE SET user_id = excluded.user_id, connected_at = excluded.connected_at`,
    connection.locationId,
    connection.userId,
    connection.connectedAt,
  );
  return connection;
}

export function removeConnection(sql: SqlStorage, locationId: string): void {
  sql.exec("DELETE FROM connections WHERE location_id = ?", locationId);
}

export function removeAllConnections(sql: SqlStorage): void {
  sql.exec("DELETE FROM connections");
}
