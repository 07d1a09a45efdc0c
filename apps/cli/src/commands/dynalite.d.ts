// The DynamoDB emulator of the backfill test ships no types: its one call, as that test makes it.
declare module 'dynalite' {
  const dynalite: (options?: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => import('node:http').Server;
  export default dynalite;
}
