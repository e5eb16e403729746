/** Former keys as configured, `id:base64,id:base64` (empty or unset: none), by id. */
export function parseKeyList(list: string | undefined): Map<string, Buffer> {
  return new Map(
    (list ?? '')
      .split(',')
      .filter(Boolean)
      .map((entry) => {
        const [id, key] = entry.split(':');
        return [id, Buffer.from(key, 'base64')];
      }),
  );
}
