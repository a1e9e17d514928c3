import { z } from 'zod';

/** The dashboard takes no parameters; unknown ones are refused rather than silently ignored. */
export const dashboardInput = { query: z.object({}).strict() };
