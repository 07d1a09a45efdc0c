import { OwnerIdSchema, UlidSchema, ValidationError, type MediaItem } from '@mediaflow/domain';

export function checkOwner(ownerId: string): void {
  // The owner becomes part of partition keys: a `#` in it could reach another owner's keys.
  if (!OwnerIdSchema.safeParse(ownerId).success) throw new ValidationError('invalid owner id', [{ path: 'ownerId', message: 'invalid' }]);
}

export function checkItem(item: MediaItem): void {
  checkOwner(item.ownerId);
  if (!UlidSchema.safeParse(item.id).success) throw new ValidationError('invalid media id', [{ path: 'id', message: 'must be a ULID' }]);
}
