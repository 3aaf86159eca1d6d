/** The tracker's closed vocabularies, as DOMAIN.md names them, with plain-English labels. */

export const INSTITUTION_KINDS = ['nhs_england', 'mental_health_trust', 'police_force', 'icb', 'other'] as const;
export type InstitutionKind = (typeof INSTITUTION_KINDS)[number];

export const EVENT_TYPES = ['contact', 'response', 'milestone'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const CHANNELS = [
  'email', 'letter', 'foi', 'phone', 'meeting', 'social_media', 'press_enquiry', 'petition', 'other',
] as const;
export type Channel = (typeof CHANNELS)[number];

export const RESPONSE_TYPES = ['acknowledgement', 'holding_reply', 'no_comment', 'statement', 'foi_response'] as const;
export type ResponseType = (typeof RESPONSE_TYPES)[number];

/** The ladder of stances, lowest first. */
export const STANCES = ['none', 'refused', 'considering', 'committed', 'done'] as const;
export type Stance = (typeof STANCES)[number];

export const EVENT_STATUSES = ['draft', 'published'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

export const ROLES = ['admin', 'editor'] as const;
export type Role = (typeof ROLES)[number];

export const KIND_LABELS: Record<InstitutionKind, { one: string; many: string }> = {
  nhs_england: { one: 'NHS England', many: 'NHS England' },
  mental_health_trust: { one: 'Mental health trust', many: 'Mental health trusts' },
  police_force: { one: 'Police force', many: 'Police forces' },
  icb: { one: 'Integrated care board', many: 'Integrated care boards' },
  other: { one: 'Other body', many: 'Other bodies' },
};

export const EVENT_TYPE_LABELS: Record<EventType, string> = {
  contact: 'Approach',
  response: 'Response',
  milestone: 'Milestone',
};

export const CHANNEL_LABELS: Record<Channel, string> = {
  email: 'Email',
  letter: 'Letter',
  foi: 'Freedom of Information request',
  phone: 'Phone call',
  meeting: 'Meeting',
  social_media: 'Social media',
  press_enquiry: 'Press enquiry',
  petition: 'Petition',
  other: 'Other',
};

export const RESPONSE_TYPE_LABELS: Record<ResponseType, string> = {
  acknowledgement: 'Acknowledgement',
  holding_reply: 'Holding reply',
  no_comment: 'No comment',
  statement: 'Statement',
  foi_response: 'FOI response',
};

export const STANCE_LABELS: Record<Stance, string> = {
  none: 'No position',
  refused: 'Refused',
  considering: 'Considering',
  committed: 'Committed',
  done: 'Done',
};

export function isOneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (values as readonly string[]).includes(value);
}
