import { createApiClient } from './client';
import { browserStore } from './session';

/** The app's API client; tests build their own with createApiClient. */
export const api = createApiClient({ store: browserStore() });
