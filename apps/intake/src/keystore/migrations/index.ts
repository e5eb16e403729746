import { CaseKeyStore1767744000000 } from './1767744000000-CaseKeyStore';

/** The key store's migrations (its own database and history), listed explicitly. */
export const keyStoreMigrations = [CaseKeyStore1767744000000];
