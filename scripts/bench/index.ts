/** Every scenario `npm run bench` runs, in order. Add new ones here (see scenario.ts). */
import { dnsProvisioning } from './dns-provisioning';
import { orderIntake } from './order-intake';
import { publicPlans } from './public-plans';
import type { Scenario } from './scenario';

export const SCENARIOS: Scenario[] = [publicPlans, orderIntake, dnsProvisioning];
