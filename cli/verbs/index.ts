import type { Verb } from '../program.ts';
import { register as abort } from './abort.ts';
import { register as apply } from './apply.ts';
import { register as approve } from './approve.ts';
import { register as cleanup } from './cleanup.ts';
import { register as dashboard } from './dashboard.ts';
import { register as deploy } from './deploy.ts';
import { register as deploys } from './deploys.ts';
import { register as events } from './events.ts';
import { register as init } from './init.ts';
import { register as notifications } from './notifications.ts';
import { register as plan } from './plan.ts';
import { register as promote } from './promote.ts';
import { register as rollback } from './rollback.ts';
import { register as scaling } from './scaling.ts';
import { register as schedules } from './schedules.ts';
import { register as status } from './status.ts';
import { register as unlock } from './unlock.ts';
import { register as validate } from './validate.ts';

/** Every verb, in the order `harbormaster --help` lists them: configuration, then watching, then acting. */
export const VERBS: Verb[] = [init, validate, plan, apply, status, deploys, events, scaling, dashboard, deploy, approve, promote, abort, rollback, unlock, cleanup, schedules, notifications];
