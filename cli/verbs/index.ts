import type { Verb } from '../program.ts';
import { register as apply } from './apply.ts';
import { register as cleanup } from './cleanup.ts';
import { register as events } from './events.ts';
import { register as plan } from './plan.ts';
import { register as scaling } from './scaling.ts';
import { register as validate } from './validate.ts';

/** Every verb, in the order `harbormaster --help` lists them. */
export const VERBS: Verb[] = [validate, plan, apply, events, scaling, cleanup];
